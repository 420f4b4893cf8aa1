import { Body, Controller, Delete, Get, Param, Query } from '@nestjs/common';
import { ControlPost } from '../common/plaid-endpoint';
import { type MutationResult } from '../transactions/transactions.service';
import { type Delivery, type DeliveryResult } from '../webhooks/webhooks.service';
import { type CallCounts } from './calls.service';
import { ControlService, type ItemSummary } from './control.service';
import { type FailureRule, FailuresService } from './failures.service';

/** Test-only routes (no Plaid auth). See apps/plaid-sandbox/README.md. */
@Controller('sandbox-control')
export class ControlController {
  constructor(
    private readonly control: ControlService,
    private readonly failures: FailuresService,
  ) {}

  @ControlPost('link/complete')
  completeLink(@Body() body: unknown): { public_token: string } {
    return this.control.completeLink(body);
  }

  @ControlPost('items/:item_id/transactions/mutate')
  mutate(@Param('item_id') itemId: string, @Body() body: unknown): MutationResult {
    return this.control.mutate(itemId, body);
  }

  @ControlPost('items/:item_id/webhook')
  sendWebhook(@Param('item_id') itemId: string, @Body() body: unknown): Promise<DeliveryResult> {
    return this.control.sendWebhook(itemId, body);
  }

  @Get('items/:item_id')
  summary(@Param('item_id') itemId: string): ItemSummary {
    return this.control.summary(itemId);
  }

  @ControlPost('sign')
  sign(@Body() body: unknown): Promise<{ plaidVerification: string }> {
    return this.control.sign(body);
  }

  @ControlPost('webhook-keys/rotate')
  rotateKey(): Promise<{ kid: string; previous_kid: string }> {
    return this.control.rotateKey();
  }

  @ControlPost('failures')
  addFailure(@Body() body: unknown): { id: string } {
    return this.control.addFailure(body);
  }

  @Get('failures')
  listFailures(): FailureRule[] {
    return this.failures.list();
  }

  @Delete('failures')
  clearFailures(): { removed: number } {
    return this.failures.clear();
  }

  @Delete('failures/:id')
  removeFailure(@Param('id') id: string): { removed: boolean } {
    return this.failures.remove(id);
  }

  @Get('calls')
  calls(@Query('item_id') itemId?: string, @Query('endpoint') endpoint?: string): CallCounts {
    return this.control.callCounts(itemId, endpoint);
  }

  @Delete('calls')
  resetCalls(): CallCounts {
    return this.control.resetCalls();
  }

  @Get('webhooks')
  deliveries(@Query('item_id') itemId?: string): Delivery[] {
    return this.control.deliveries(itemId);
  }

  @ControlPost('config')
  setConfig(@Body() body: unknown): { transactions_per_item: number } {
    return this.control.setConfig(body);
  }

  @ControlPost('reset')
  reset(): { reset: true } {
    return this.control.reset();
  }
}
