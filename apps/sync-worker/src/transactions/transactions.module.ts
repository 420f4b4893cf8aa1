import { Module } from '@nestjs/common';
import { TransactionChangesCompactor } from './transaction-changes.compactor';
import { TransactionChangesRepository } from './transaction-changes.repository';
import { TransactionChangesService } from './transaction-changes.service';
import { TransactionsHandler } from './transactions.handler';
import { TransactionsRepository } from './transactions.repository';
import { TransactionsService } from './transactions.service';
import { TransactionsWriter } from './transactions.writer';

// The transactions read API (RPC: the list and the delta changes), the writer the sync run applies pages with,
// and the compaction of the change log the delta API reads (written by triggers on sync.transactions).
@Module({
  controllers: [TransactionsHandler],
  providers: [
    TransactionsRepository,
    TransactionsService,
    TransactionsWriter,
    TransactionChangesRepository,
    TransactionChangesService,
    TransactionChangesCompactor,
  ],
  exports: [TransactionsWriter, TransactionChangesRepository],
})
export class TransactionsModule {}
