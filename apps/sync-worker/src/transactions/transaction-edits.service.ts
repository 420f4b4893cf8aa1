import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  type JsonText,
  type TransactionDto,
  type TransactionEditRequest,
  type TransactionRef,
  resolveCategory,
} from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { type EditPatch, TransactionEditsRepository } from './transaction-edits.repository';
import { TransactionsEditedAnnouncer, countByItem } from './transactions-edited.announcer';
import { TransactionsRepository } from './transactions.repository';

// A user's edits of one transaction. Stored apart from Plaid's data (every later sync keeps them), recorded in the
// transaction change log (delta clients see the edit) and announced to the feed (transactions.changed), all in
// the edit's database transaction.
@Injectable()
export class TransactionEditsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly edits: TransactionEditsRepository,
    private readonly transactions: TransactionsRepository,
    private readonly announcer: TransactionsEditedAnnouncer,
  ) {}

  async get(ref: TransactionRef): Promise<JsonText<TransactionDto>> {
    const json = await this.transactions.one(ref.userId, ref.id);
    if (json === null) throw new DomainError(ErrorCode.NotFound, 'Transaction not found');
    return json;
  }

  async edit(req: TransactionEditRequest): Promise<JsonText<TransactionDto>> {
    const patch = toPatch(req);
    const json = await this.uow.run(async (tx) => {
      const em = tx.manager;
      const row = await this.edits.lockTransaction(em, req.userId, req.id);
      if (!row) throw new DomainError(ErrorCode.NotFound, 'Transaction not found');
      await this.edits.save(em, req.userId, row.itemId, req.id, patch);
      let items: string[];
      if (patch.transferUnpaired && row.transferPairId) {
        items = await this.edits.unpair(em, req.userId, row.transferPairId);
      } else {
        await this.edits.touch(em, req.userId, req.id);
        items = [row.itemId];
      }
      await this.announcer.announce(tx, req.userId, countByItem(items));
      return this.transactions.one(req.userId, req.id, em);
    });
    if (json === null) throw new DomainError(ErrorCode.NotFound, 'Transaction not found');
    return json;
  }
}

function toPatch(req: TransactionEditRequest): EditPatch {
  const patch: EditPatch = {
    note: req.note,
    hidden: req.hidden,
    excludeFromSpending: req.excludeFromSpending,
    displayName: req.displayName,
  };
  if (req.category !== undefined) {
    const category = req.category === null ? null : resolveCategory(req.category);
    if (category === null && req.category !== null) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Unknown category', [
        { field: 'category', messages: ['category must be one of GET /v1/categories'] },
      ]);
    }
    patch.category = category;
  }
  if (req.transferPairId === null) patch.transferUnpaired = true;
  return patch;
}
