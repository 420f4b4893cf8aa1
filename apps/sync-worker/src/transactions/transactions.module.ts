import { Module } from '@nestjs/common';
import { TransactionsHandler } from './transactions.handler';
import { TransactionsRepository } from './transactions.repository';
import { TransactionsService } from './transactions.service';
import { TransactionsWriter } from './transactions.writer';

// The transactions read API (RPC) and the writer the sync run applies pages with.
@Module({
  controllers: [TransactionsHandler],
  providers: [TransactionsRepository, TransactionsService, TransactionsWriter],
  exports: [TransactionsWriter],
})
export class TransactionsModule {}
