import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { InstitutionsModule } from '../institutions/institutions.module';
import { ItemsModule } from '../items/items.module';
import { PlaidLimitsModule } from '../plaid-limits/plaid-limits.module';
import { RecurringModule } from '../recurring/recurring.module';
import { TransactionsModule } from '../transactions/transactions.module';
import { AccountsRefreshService } from './accounts-refresh.service';
import { AccountsRefreshHandler } from './accounts-refresh.handler';
import { ItemMetadataService } from './item-metadata.service';
import { PlaidFailurePolicy } from './plaid-failure-policy.service';
import { StaleSyncScheduler } from './stale-sync.scheduler';
import { SyncCoordinator } from './sync-coordinator.service';
import { SyncRunService } from './sync-run.service';
import { SyncHandler } from './sync.handler';
import { SyncMetrics } from './sync.metrics';
import { SyncService } from './sync.service';
import { TransactionsRefreshService } from './transactions-refresh.service';

// The sync path: the entry service behind the item and webhook events, the per-item coordinator, one sync run,
// the metadata refresh (with the accounts' reconciliation), the Plaid failure policy, the stale-item and polling
// scheduler, and the owner's on-demand account calls (balances, account selection). Exports nothing.
@Module({
  imports: [
    ItemsModule,
    AccountsModule,
    TransactionsModule,
    InstitutionsModule,
    PlaidLimitsModule,
    RecurringModule,
  ],
  controllers: [SyncHandler, AccountsRefreshHandler],
  providers: [
    SyncService,
    SyncCoordinator,
    SyncRunService,
    ItemMetadataService,
    PlaidFailurePolicy,
    StaleSyncScheduler,
    SyncMetrics,
    TransactionsRefreshService,
    AccountsRefreshService,
  ],
})
export class SyncModule {}
