import { Body, Controller } from '@nestjs/common';
import { type TransactionsRefreshResponse, type TransactionsSyncResponse } from 'plaid';
import { PlaidPost, type WithoutRequestId } from '../common/plaid-endpoint';
import { type JsonObject } from '../common/request-fields';
import { TransactionsService } from './transactions.service';

@Controller()
export class TransactionsController {
  constructor(private readonly transactions: TransactionsService) {}

  @PlaidPost('/transactions/sync')
  sync(@Body() body: JsonObject): WithoutRequestId<TransactionsSyncResponse> {
    return this.transactions.sync(body);
  }

  @PlaidPost('/transactions/refresh')
  refresh(@Body() body: JsonObject): WithoutRequestId<TransactionsRefreshResponse> {
    return this.transactions.refresh(body);
  }
}
