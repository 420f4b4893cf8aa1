import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventPattern, encodeTransactionChangesCursor } from '@app/contracts';
import { metrics } from '@app/common';
import { type Transaction as UnitOfWorkTransaction, UnitOfWork } from '@app/messaging';
import { PlaidApiError } from '@app/plaid';
import { type Transaction, type TransactionsSyncResponse } from 'plaid';
import { AccountWritesService } from '../accounts/account-writes.service';
import { APP_CONFIG, SyncConfig } from '../config';
import { type SyncItem, SyncItemsRepository } from '../items/sync-items.repository';
import { type ItemPlaidClient } from '../plaid/item-plaid.client';
import { TransactionChangesRepository } from '../transactions/transaction-changes.repository';
import { TransactionEditsRepository } from '../transactions/transaction-edits.repository';
import { TransactionPagesRepository } from '../transactions/transaction-pages.repository';
import { TransfersRepository } from '../transactions/transfers.repository';

export interface SyncOutcome {
  pages: number;
  upserted: number;
  removed: number;
  restarts: number;
}

// One pass's running counts; added/modified are what Plaid sent, upserted/removed what the statements changed.
interface PassTotals {
  pages: number;
  upserted: number;
  removed: number;
  added: number;
  modified: number;
  // The dates the pass's added and modified transactions span (where transfer pairs may have appeared).
  firstDate: string | null;
  lastDate: string | null;
}

const PAGE_SIZE = 500;
const ANALYZE_AFTER_ROWS = 10_000;
const MUTATION_DURING_PAGINATION = 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION';

// Pulls every change since the stored cursor, 500 at a time, until has_more is false. Each page is applied
// as it arrives (memory stays flat for 100k-transaction histories) while the next one is already being
// fetched; the cursor is stored with the last page, so an interrupted run starts again from the last
// completed one and re-applies idempotently. Plaid errors reach the caller (the failure policy).
@Injectable()
export class SyncRunService {
  private readonly logger = new Logger(SyncRunService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: SyncConfig,
    private readonly uow: UnitOfWork,
    private readonly items: SyncItemsRepository,
    private readonly accounts: AccountWritesService,
    private readonly transactions: TransactionPagesRepository,
    private readonly changes: TransactionChangesRepository,
    private readonly edits: TransactionEditsRepository,
    private readonly transfers: TransfersRepository,
  ) {}

  // A mutation during pagination restarts the pass from the item's stored cursor, up to SYNC_MAX_RESTARTS times.
  async run(plaid: ItemPlaidClient): Promise<SyncOutcome> {
    const { item } = plaid;
    const endTimer = metrics.syncDuration.startTimer();
    // Ids applied by passes that were abandoned on a mutation error: any of them the final pass does not
    // confirm was added and removed again in between, and must go.
    const provisional = new Set<string>();
    for (let restart = 0; ; restart++) {
      let totals: PassTotals;
      try {
        totals = await this.pass(plaid, provisional);
      } catch (err) {
        if (!this.restartable(err, restart)) throw err;
        this.logger.warn(
          { itemId: item.itemId, restart: restart + 1 },
          'data changed during pagination; restarting',
        );
        continue;
      }
      endTimer();
      return this.finish(item, totals, restart);
    }
  }

  private restartable(err: unknown, restart: number): boolean {
    return (
      err instanceof PlaidApiError &&
      err.errorCode === MUTATION_DURING_PAGINATION &&
      restart < this.config.SYNC_MAX_RESTARTS
    );
  }

  // One pass from the stored cursor to has_more = false. Every id it applies becomes provisional (for the
  // passes after an abandoned one); the last page also deletes the provisional ids this pass never confirmed.
  private async pass(plaid: ItemPlaidClient, provisional: Set<string>): Promise<PassTotals> {
    const { item } = plaid;
    const confirmed = new Set<string>();
    const totals: PassTotals = {
      pages: 0,
      upserted: 0,
      removed: 0,
      added: 0,
      modified: 0,
      firstDate: null,
      lastDate: null,
    };
    let pending = plaid.transactionsSync(item.cursor ?? undefined, PAGE_SIZE);
    for (;;) {
      const page = await pending;
      totals.pages++;
      // The next cursor is known now: fetch the next page while this one is written.
      if (page.has_more) {
        pending = plaid.transactionsSync(page.next_cursor, PAGE_SIZE);
        // Its failure is handled where it is awaited (next turn), or dropped if this write fails first.
        pending.catch(() => undefined);
      }
      const changed: Transaction[] = [...page.added, ...page.modified];
      totals.added += page.added.length;
      totals.modified += page.modified.length;
      for (const t of changed) {
        if (totals.firstDate === null || t.date < totals.firstDate) totals.firstDate = t.date;
        if (totals.lastDate === null || t.date > totals.lastDate) totals.lastDate = t.date;
      }
      const cleanup = page.has_more ? [] : unconfirmed(provisional, confirmed, changed);
      await this.applyPage(item, page, changed, cleanup, totals);
      for (const t of changed) {
        confirmed.add(t.transaction_id);
        provisional.add(t.transaction_id);
      }
      if (!page.has_more) return totals;
    }
  }

  // One transaction per page (with ItemAccountsChanged when the page changed the item's accounts); the last page
  // also stores the cursor and publishes ItemSynced with the pass's counts.
  private async applyPage(
    item: SyncItem,
    page: TransactionsSyncResponse,
    changed: Transaction[],
    cleanup: string[],
    totals: PassTotals,
  ): Promise<void> {
    const removedIds = [...page.removed.map((r) => r.transaction_id), ...cleanup];
    await this.uow.run(async (tx) => {
      await this.accounts.upsert(tx, item, page.accounts);
      totals.upserted += await this.transactions.upsert(tx.manager, item.itemId, item.userId, changed);
      totals.removed += await this.transactions.remove(tx.manager, item.itemId, removedIds);
      if (!page.has_more) await this.complete(tx, item, page.next_cursor, totals);
    });
  }

  private async complete(
    tx: UnitOfWorkTransaction,
    item: SyncItem,
    cursor: string,
    totals: PassTotals,
  ): Promise<void> {
    const em = tx.manager;
    const syncedAt = new Date();
    await this.items.saveCursor(em, item.itemId, cursor, syncedAt);
    if (totals.upserted >= ANALYZE_AFTER_ROWS) {
      // A big first sync leaves the planner without statistics: the pairing below would nest-loop over the run's
      // rows (10 minutes for 100,000 of them), the read queries would scan and sort. ANALYZE in this transaction
      // counts its own rows as live; the earlier pages are committed.
      await this.transactions.analyze(em);
    }
    if (totals.added + totals.modified + totals.removed > 0) {
      // In bulk over the whole run (its pages are committed): edits left without their transaction (a posted one
      // that did not name its pending one), and transfer pairs between the user's accounts.
      metrics.transactionEditsOrphaned.inc(await this.edits.markOrphans(em, item.itemId));
      await this.transfers.pair(em, item.userId, totals.firstDate, totals.lastDate);
    }
    // Where the user's delta stands once this run commits: a client reading GET /v1/transactions/changes from
    // here gets exactly what was committed after it.
    const seq = await this.changes.positionForUser(em, item.userId);
    await tx.publish(EventPattern.ItemSynced, {
      itemId: item.itemId,
      syncedAt: syncedAt.toISOString(),
      added: totals.added,
      modified: totals.modified,
      removed: totals.removed,
      changesCursor: encodeTransactionChangesCursor({ phase: 'log', userId: item.userId, itemId: null, seq }),
    });
  }

  private async finish(item: SyncItem, totals: PassTotals, restarts: number): Promise<SyncOutcome> {
    metrics.transactionsApplied.inc({ kind: 'upserted' }, totals.upserted);
    metrics.transactionsApplied.inc({ kind: 'removed' }, totals.removed);
    const outcome: SyncOutcome = {
      pages: totals.pages,
      upserted: totals.upserted,
      removed: totals.removed,
      restarts,
    };
    this.logger.log({ itemId: item.itemId, ...outcome }, 'transactions synced');
    return outcome;
  }
}

// Provisional ids neither confirmed earlier in this pass nor changed by its last page.
function unconfirmed(provisional: Set<string>, confirmed: Set<string>, lastPage: Transaction[]): string[] {
  const inLastPage = new Set(lastPage.map((t) => t.transaction_id));
  return [...provisional].filter((id) => !confirmed.has(id) && !inLastPage.has(id));
}
