import { Body, Controller } from '@nestjs/common';
import {
  type SandboxItemFireWebhookResponse,
  type SandboxItemResetLoginResponse,
  type SandboxPublicTokenCreateResponse,
  type SandboxTransactionsCreateResponse,
} from 'plaid';
import { PlaidPost, type WithoutRequestId } from '../common/plaid-endpoint';
import { type JsonObject } from '../common/request-fields';
import { SandboxService } from './sandbox.service';

@Controller()
export class SandboxController {
  constructor(private readonly sandbox: SandboxService) {}

  @PlaidPost('/sandbox/public_token/create')
  publicTokenCreate(@Body() body: JsonObject): WithoutRequestId<SandboxPublicTokenCreateResponse> {
    return this.sandbox.publicTokenCreate(body);
  }

  @PlaidPost('/sandbox/item/fire_webhook')
  fireWebhook(@Body() body: JsonObject): WithoutRequestId<SandboxItemFireWebhookResponse> {
    return this.sandbox.fireWebhook(body);
  }

  @PlaidPost('/sandbox/item/reset_login')
  resetLogin(@Body() body: JsonObject): WithoutRequestId<SandboxItemResetLoginResponse> {
    return this.sandbox.resetLogin(body);
  }

  @PlaidPost('/sandbox/transactions/create')
  transactionsCreate(@Body() body: JsonObject): WithoutRequestId<SandboxTransactionsCreateResponse> {
    return this.sandbox.transactionsCreate(body);
  }
}
