import { Module } from '@nestjs/common';
import { PlaidLimitsModule } from '../plaid-limits/plaid-limits.module';
import { ItemPlaidClients } from './item-plaid.client';

// The one door to Plaid for an item: its client decrypts the token, is paced per item and is only handed out while
// the institution breaker is closed. No class outside this folder sees an access token.
@Module({
  imports: [PlaidLimitsModule],
  providers: [ItemPlaidClients],
  exports: [ItemPlaidClients],
})
export class PlaidModule {}
