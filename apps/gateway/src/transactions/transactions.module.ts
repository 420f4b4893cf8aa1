import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { TransactionsController } from './transactions.controller';

@Module({
  imports: [RpcModule],
  controllers: [TransactionsController],
})
export class TransactionsModule {}
