import { Module } from '@nestjs/common';
import { AccountsHandler } from './accounts.handler';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { AccountsWriter } from './accounts.writer';
import { BalanceSnapshotsRepository } from './balance-snapshots.repository';

// The accounts read API (RPC: list, the user's own view, balance history, net worth) and the writer the sync
// path upserts, reconciles and revokes accounts with (every balance it writes is also that day's snapshot).
@Module({
  controllers: [AccountsHandler],
  providers: [AccountsRepository, AccountsService, AccountsWriter, BalanceSnapshotsRepository],
  exports: [AccountsRepository, AccountsWriter, AccountsService],
})
export class AccountsModule {}
