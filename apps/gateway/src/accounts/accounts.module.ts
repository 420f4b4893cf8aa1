import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { AccountsController } from './accounts.controller';

@Module({
  imports: [RpcModule],
  controllers: [AccountsController],
})
export class AccountsModule {}
