import { Module } from '@nestjs/common';
import { InstitutionsModule } from '../institutions/institutions.module';
import { ItemsModule } from '../items/items.module';
import { PlaidModule } from '../plaid/plaid.module';
import { AccountWritesService } from './account-writes.service';
import { AccountsRefreshHandler } from './accounts-refresh.handler';
import { AccountsRefreshService } from './accounts-refresh.service';
import { AccountsHandler } from './accounts.handler';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { BalanceSnapshotsRepository } from './balance-snapshots.repository';
import { ItemMetadataService } from './item-metadata.service';

// The accounts read API (RPC: list, the user's own view, balance history, net worth); the writes the sync path
// upserts, reconciles and revokes accounts with (every balance written is also that day's snapshot); the item's
// metadata refresh that reconciles them with /accounts/get; and the owner's on-demand calls (real-time balances,
// account selection).
@Module({
  imports: [ItemsModule, InstitutionsModule, PlaidModule],
  controllers: [AccountsHandler, AccountsRefreshHandler],
  providers: [
    AccountsRepository,
    AccountsService,
    AccountWritesService,
    BalanceSnapshotsRepository,
    ItemMetadataService,
    AccountsRefreshService,
  ],
  exports: [AccountWritesService, ItemMetadataService],
})
export class AccountsModule {}
