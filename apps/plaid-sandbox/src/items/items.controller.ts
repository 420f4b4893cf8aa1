import { Body, Controller } from '@nestjs/common';
import {
  type ItemGetResponse,
  type ItemPublicTokenExchangeResponse,
  type ItemRemoveResponse,
  type ItemWebhookUpdateResponse,
} from 'plaid';
import { PlaidPost, type WithoutRequestId } from '../common/plaid-endpoint';
import { type JsonObject } from '../common/request-fields';
import { ItemsService } from './items.service';

@Controller()
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @PlaidPost('/item/public_token/exchange')
  exchange(@Body() body: JsonObject): WithoutRequestId<ItemPublicTokenExchangeResponse> {
    return this.items.exchange(body);
  }

  @PlaidPost('/item/get')
  get(@Body() body: JsonObject): WithoutRequestId<ItemGetResponse> {
    return this.items.get(body);
  }

  @PlaidPost('/item/remove')
  remove(@Body() body: JsonObject): WithoutRequestId<ItemRemoveResponse> {
    return this.items.remove(body);
  }

  @PlaidPost('/item/webhook/update')
  updateWebhook(@Body() body: JsonObject): WithoutRequestId<ItemWebhookUpdateResponse> {
    return this.items.updateWebhook(body);
  }
}
