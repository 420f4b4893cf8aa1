import { Body, Controller, Param } from '@nestjs/common';
import { ControlPost } from '../common/plaid-endpoint';
import { PlaidApiError } from '../common/plaid-error';
import { optionalBoolean, optionalString, requiredString, type JsonObject } from '../common/request-fields';
import { ItemsStore } from '../items/items.store';
import { RecurringService } from '../transactions/recurring.service';
import { type PostOptions, ScenariosService } from '../transactions/scenarios.service';
import { controlBody } from './control.service';

function amount(body: JsonObject, field: string, fallback: number): number {
  const value = body[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw PlaidApiError.invalidField(`${field} must be a number`);
  return value;
}

/** Test-only scenarios on an item's transactions (README: "Scenarios"). Every body may say webhook: false. */
@Controller('sandbox-control/items/:item_id')
export class ScenariosController {
  constructor(
    private readonly scenarios: ScenariosService,
    private readonly recurring: RecurringService,
    private readonly items: ItemsStore,
  ) {}

  @ControlPost('transactions/recurring')
  addRecurring(@Param('item_id') itemId: string, @Body() raw: unknown): Record<string, string[]> {
    const body = controlBody(raw);
    return this.scenarios.addRecurring(itemId, { webhook: optionalBoolean(body, 'webhook') });
  }

  @ControlPost('transactions/transfer')
  addTransfer(@Param('item_id') itemId: string, @Body() raw: unknown): { out: string; in: string } {
    const body = controlBody(raw);
    return this.scenarios.addTransfer(itemId, amount(body, 'amount', 250), {
      webhook: optionalBoolean(body, 'webhook'),
    });
  }

  @ControlPost('transactions/pending')
  addPending(@Param('item_id') itemId: string, @Body() raw: unknown): { transaction_id: string } {
    const body = controlBody(raw);
    return this.scenarios.addPending(itemId, amount(body, 'amount', 42.5), {
      webhook: optionalBoolean(body, 'webhook'),
    });
  }

  @ControlPost('transactions/:transaction_id/post')
  post(
    @Param('item_id') itemId: string,
    @Param('transaction_id') transactionId: string,
    @Body() raw: unknown,
  ): { transaction_id: string; fillers: number } {
    const body = controlBody(raw);
    const split = optionalString(body, 'split_pages');
    if (split !== undefined && split !== 'removed-first' && split !== 'posted-first') {
      throw PlaidApiError.invalidField('split_pages must be removed-first or posted-first');
    }
    const options: PostOptions = {
      webhook: optionalBoolean(body, 'webhook'),
      withPendingTransactionId: optionalBoolean(body, 'with_pending_transaction_id'),
      amount: body.amount === undefined ? undefined : amount(body, 'amount', 0),
      splitPages: split,
      pageSize: body.page_size === undefined ? undefined : amount(body, 'page_size', 500),
    };
    return this.scenarios.post(itemId, transactionId, options);
  }

  @ControlPost('transactions/:transaction_id/vanish')
  vanish(
    @Param('item_id') itemId: string,
    @Param('transaction_id') transactionId: string,
    @Body() raw: unknown,
  ): { removed: string } {
    const body = controlBody(raw);
    return this.scenarios.vanish(itemId, transactionId, { webhook: optionalBoolean(body, 'webhook') });
  }

  /** {unavailable: "PRODUCTS_NOT_SUPPORTED" | "PRODUCT_NOT_ENABLED" | null} for /transactions/recurring/get. */
  @ControlPost('recurring')
  setRecurring(@Param('item_id') itemId: string, @Body() raw: unknown): { unavailable: string | null } {
    const body = controlBody(raw);
    const item = this.items.get(itemId);
    if (!item) throw PlaidApiError.of('ITEM_NOT_FOUND', `unknown item_id: ${itemId}`);
    const code = body.unavailable === null ? null : requiredString(body, 'unavailable');
    if (code !== null && code !== 'PRODUCTS_NOT_SUPPORTED' && code !== 'PRODUCT_NOT_ENABLED') {
      throw PlaidApiError.invalidField(
        'unavailable must be PRODUCTS_NOT_SUPPORTED, PRODUCT_NOT_ENABLED or null',
      );
    }
    this.recurring.setUnavailable(item, code);
    return { unavailable: code };
  }
}
