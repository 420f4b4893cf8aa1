import { Body, Controller } from '@nestjs/common';
import { type AccountsGetResponse } from 'plaid';
import { PlaidPost, type WithoutRequestId } from '../common/plaid-endpoint';
import { type JsonObject } from '../common/request-fields';
import { AccountsService } from './accounts.service';

@Controller()
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @PlaidPost('/accounts/get')
  get(@Body() body: JsonObject): WithoutRequestId<AccountsGetResponse> {
    return this.accounts.get(body);
  }

  @PlaidPost('/accounts/balance/get')
  balanceGet(@Body() body: JsonObject): WithoutRequestId<AccountsGetResponse> {
    return this.accounts.balanceGet(body);
  }
}
