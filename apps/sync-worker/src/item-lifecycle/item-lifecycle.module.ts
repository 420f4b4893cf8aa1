import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ItemsModule } from '../items/items.module';
import { PlaidModule } from '../plaid/plaid.module';
import { SyncModule } from '../sync/sync.module';
import { TransactionsModule } from '../transactions/transactions.module';
import { ItemLifecycleHandler } from './item-lifecycle.handler';
import { ItemLifecycleService } from './item-lifecycle.service';

// An item's life as plaid-link reports it (linked, removed, data revoked). Sits above the sync path: a linked item
// ends in its first sync.
@Module({
  imports: [ItemsModule, AccountsModule, TransactionsModule, PlaidModule, SyncModule],
  controllers: [ItemLifecycleHandler],
  providers: [ItemLifecycleService],
})
export class ItemLifecycleModule {}
