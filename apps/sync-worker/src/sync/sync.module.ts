import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ItemsModule } from '../items/items.module';
import { PlaidLimitsModule } from '../plaid-limits/plaid-limits.module';
import { PlaidModule } from '../plaid/plaid.module';
import { RecurringModule } from '../recurring/recurring.module';
import { TransactionsModule } from '../transactions/transactions.module';
import { PlaidFailurePolicy } from './plaid-failure-policy.service';
import { StaleSyncScheduler } from './stale-sync.scheduler';
import { SyncCoordinator } from './sync-coordinator.service';
import { SyncRunService } from './sync-run.service';
import { SyncHandler } from './sync.handler';
import { SyncMetrics } from './sync.metrics';
import { SyncService } from './sync.service';
import { TransactionsRefreshService } from './transactions-refresh.service';

// The sync path: what triggers a sync (webhooks, sync requested, manual sync), the per-item coordinator, one sync
// run, the Plaid failure policy (it trips the institution breaker), /transactions/refresh before a manual sync,
// and the stale-item and polling scheduler. Exports the sync request and the policy to the item lifecycle.
@Module({
  imports: [ItemsModule, AccountsModule, TransactionsModule, PlaidModule, PlaidLimitsModule, RecurringModule],
  controllers: [SyncHandler],
  providers: [
    SyncService,
    SyncCoordinator,
    SyncRunService,
    PlaidFailurePolicy,
    StaleSyncScheduler,
    SyncMetrics,
    TransactionsRefreshService,
  ],
  exports: [SyncService, PlaidFailurePolicy],
})
export class SyncModule {}
