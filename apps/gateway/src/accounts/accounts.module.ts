import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { AccountsController } from './accounts.controller';
import { NetWorthController } from './net-worth.controller';

// Bank accounts: the list, the user's own view of one, balance history, real-time refresh and net worth (sync-worker).
@Module({
  imports: [RpcModule],
  controllers: [AccountsController, NetWorthController],
})
export class AccountsModule {}
