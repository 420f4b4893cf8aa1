import { Body, Controller } from '@nestjs/common';
import { type TransactionsRecurringGetResponse } from 'plaid';
import { PlaidPost, type WithoutRequestId } from '../common/plaid-endpoint';
import { type JsonObject } from '../common/request-fields';
import { RecurringService } from './recurring.service';

@Controller()
export class RecurringController {
  constructor(private readonly recurring: RecurringService) {}

  @PlaidPost('/transactions/recurring/get')
  get(@Body() body: JsonObject): WithoutRequestId<TransactionsRecurringGetResponse> {
    return this.recurring.get(body);
  }
}
