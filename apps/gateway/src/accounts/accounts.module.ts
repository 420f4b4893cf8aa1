import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { AccountsController } from './accounts.controller';
import { NetWorthController } from './net-worth.controller';

@Module({
  imports: [RpcModule],
  controllers: [AccountsController, NetWorthController],
})
export class AccountsModule {}
