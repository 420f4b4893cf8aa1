import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { TransactionsController } from './transactions.controller';

// Transactions: the list, the delta changes, one transaction and the user's edits (sync-worker).
@Module({
  imports: [RpcModule],
  controllers: [TransactionsController],
})
export class TransactionsModule {}
