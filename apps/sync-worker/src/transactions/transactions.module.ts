import { Module } from '@nestjs/common';
import { TransactionChangesCompactor } from './transaction-changes.compactor';
import { TransactionChangesRepository } from './transaction-changes.repository';
import { TransactionChangesService } from './transaction-changes.service';
import { TransactionEditsRepository } from './transaction-edits.repository';
import { TransactionEditsService } from './transaction-edits.service';
import { TransactionsEditedAnnouncer } from './transactions-edited.announcer';
import { TransfersRepository } from './transfers.repository';
import { TransactionsHandler } from './transactions.handler';
import { TransactionsRepository } from './transactions.repository';
import { TransactionsService } from './transactions.service';
import { TransactionPagesRepository } from './transaction-pages.repository';

// The transactions read API (RPC: the list, one transaction, the delta changes), the user's edits, the writer the sync run applies pages with,
// and the compaction of the change log the delta API reads (written by triggers on sync.transactions).
@Module({
  controllers: [TransactionsHandler],
  providers: [
    TransactionsRepository,
    TransactionsService,
    TransactionPagesRepository,
    TransactionChangesRepository,
    TransactionChangesService,
    TransactionChangesCompactor,
    TransactionEditsRepository,
    TransactionEditsService,
    TransactionsEditedAnnouncer,
    TransfersRepository,
  ],
  exports: [
    TransactionPagesRepository,
    TransactionChangesRepository,
    TransactionEditsRepository,
    TransactionsEditedAnnouncer,
    TransfersRepository,
  ],
})
export class TransactionsModule {}
