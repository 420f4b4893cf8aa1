import { Body, Controller } from '@nestjs/common';
import { type WebhookVerificationKeyGetResponse } from 'plaid';
import { PlaidPost, type WithoutRequestId } from '../common/plaid-endpoint';
import { type JsonObject, requiredString } from '../common/request-fields';
import { WebhookKeysService } from './webhook-keys.service';

@Controller()
export class WebhooksController {
  constructor(private readonly keys: WebhookKeysService) {}

  @PlaidPost('/webhook_verification_key/get')
  getKey(@Body() body: JsonObject): WithoutRequestId<WebhookVerificationKeyGetResponse> {
    return { key: this.keys.publicKey(requiredString(body, 'key_id')) };
  }
}
