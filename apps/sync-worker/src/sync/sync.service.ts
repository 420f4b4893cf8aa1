import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  EventPattern,
  type ItemDataRevokedEvent,
  type ItemLinkedEvent,
  type ItemMetadataRefreshedEvent,
  type ItemProblemPayload,
  type ItemRemovedEvent,
  type PlaidWebhookEvent,
  type SyncRequestAcceptedDto,
  type SyncRequestedEvent,
} from '@app/contracts';
import { metrics, requestContext } from '@app/common';
import { JobError, OutboxRelay, enqueueEvent } from '@app/messaging';
import { AccessTokenCipher, PlaidApiError, plaidCall, plaidErrorPolicy } from '@app/plaid';
import {
  type PlaidError,
  PlaidApi,
  type RemovedTransaction,
  type Transaction,
  type TransactionsSyncResponse,
} from 'plaid';
import { DataSource } from 'typeorm';
import { AccountsRepository } from '../accounts/accounts.repository';
import { CONFIG, SyncConfig } from '../config';
import { type SyncItem, SyncItemsRepository } from '../items/sync-items.repository';
import { TransactionsWriter } from '../transactions/transactions.writer';
import { InstitutionBreaker } from './institution-breaker.service';
import { InstitutionsService } from './institutions.service';
import { PlaidRateLimiter } from './plaid-rate-limiter.service';
import { SyncCoordinator } from './sync-coordinator.service';

export interface SyncOutcome {
  pages: number;
  upserted: number;
  removed: number;
  restarts: number;
}

const PAGE_SIZE = 500;
const ANALYZE_AFTER_ROWS = 10_000;

// TRANSACTIONS webhooks that mean "there is something to pull" (the legacy ones included).
const SYNC_CODES = new Set([
  'SYNC_UPDATES_AVAILABLE',
  'INITIAL_UPDATE',
  'HISTORICAL_UPDATE',
  'DEFAULT_UPDATE',
  'TRANSACTIONS_REMOVED',
]);

@Injectable()
export class SyncService {
  private readonly logger = new Logger(SyncService.name);

  constructor(
    @Inject(CONFIG) private readonly config: SyncConfig,
    private readonly db: DataSource,
    private readonly plaid: PlaidApi,
    private readonly cipher: AccessTokenCipher,
    private readonly items: SyncItemsRepository,
    private readonly accounts: AccountsRepository,
    private readonly transactions: TransactionsWriter,
    private readonly institutions: InstitutionsService,
    private readonly relay: OutboxRelay,
    private readonly coordinator: SyncCoordinator,
    private readonly limiter: PlaidRateLimiter,
    private readonly breaker: InstitutionBreaker,
  ) {}

  // The job behind "item linked": item metadata, institution name, accounts, then the first sync.
  // Safe to run twice: every write is an upsert keyed by Plaid's ids.
  async onItemLinked(event: ItemLinkedEvent): Promise<void> {
    // Fails fast (and dead-letters) on a token this service cannot decrypt: a key configuration problem.
    try {
      this.cipher.decrypt(event.encryptedAccessToken, event.plaidItemId);
    } catch (err) {
      throw new JobError(
        `cannot decrypt access token: ${(err as Error).message}`,
        false,
        'TOKEN_DECRYPT_FAILED',
      );
    }
    await this.items.upsert({
      itemId: event.itemId,
      userId: event.userId,
      plaidItemId: event.plaidItemId,
      accessTokenEnc: event.encryptedAccessToken,
    });
    const item = await this.mustFind(event.itemId);
    if (!(await this.guard(item, () => this.refreshMetadata(item)))) return;
    await this.requestSync(item.itemId);
  }

  async onItemRemoved(event: ItemRemovedEvent): Promise<void> {
    await this.items.delete(event.itemId);
    this.logger.log({ itemId: event.itemId }, 'item data deleted');
  }

  async onDataRevoked(event: ItemDataRevokedEvent): Promise<void> {
    if (event.plaidAccountId) {
      await this.items.deleteAccount(event.itemId, event.plaidAccountId);
      this.logger.log({ itemId: event.itemId }, 'revoked account data deleted');
    } else {
      await this.items.delete(event.itemId);
      this.logger.log({ itemId: event.itemId }, 'revoked item data deleted');
    }
  }

  async onTransactionsWebhook(event: PlaidWebhookEvent): Promise<void> {
    const item = event.plaidItemId ? await this.items.findByPlaidItemId(event.plaidItemId) : null;
    if (!item) {
      this.logger.warn(
        { webhookCode: event.webhookCode, plaidItemId: event.plaidItemId },
        'webhook for an unknown item; acknowledged',
      );
      return;
    }
    if (!SYNC_CODES.has(event.webhookCode)) {
      this.logger.log(
        { webhookCode: event.webhookCode, itemId: item.itemId },
        'TRANSACTIONS webhook we do not act on',
      );
      return;
    }
    await this.requestSync(item.itemId);
  }

  async onSyncRequested(event: SyncRequestedEvent): Promise<void> {
    await this.requestSync(event.itemId);
  }

  // POST /v1/items/:id/sync: throttled per item, then queued (the request returns before Plaid is called).
  async requestManualSync(userId: string, itemId: string): Promise<SyncRequestAcceptedDto> {
    const claim = await this.items.claimManualSync(
      itemId,
      userId,
      this.config.MANUAL_SYNC_MIN_INTERVAL_SECONDS,
    );
    if (!claim) throw new DomainError(ErrorCode.NotFound, 'Item not found');
    if (!claim.claimed) {
      throw new DomainError(
        ErrorCode.RateLimited,
        'A sync of this item was requested moments ago',
        undefined,
        claim.retryAfterSeconds,
      );
    }
    await this.db.transaction((em) =>
      enqueueEvent(em, this.config.QUEUE_PREFIX, EventPattern.SyncRequested, { itemId, reason: 'manual' }),
    );
    this.relay.kick();
    return { accepted: true };
  }

  async requestSync(itemId: string): Promise<void> {
    const outcome = await this.coordinator.request(itemId, async () => {
      const item = await this.mustFind(itemId);
      const paused = await this.breaker.pausedFor(item.institutionId);
      if (paused > 0) {
        // Its bank is down: no Plaid call now; the message waits in a retry tier and comes back.
        throw new JobError(
          `institution ${item.institutionId} paused for ${paused}s`,
          true,
          'INSTITUTION_PAUSED',
          paused * 1000,
        );
      }
      await this.guard(item, () => this.syncTransactions(item));
    });
    if (outcome === 'unknown') this.logger.warn({ itemId }, 'sync requested for an unknown item');
  }

  async refreshMetadata(item: SyncItem): Promise<void> {
    const accessToken = this.token(item);
    const { item: plaidItem } = await plaidCall(() => this.plaid.itemGet({ access_token: accessToken }));
    const institutionId = plaidItem.institution_id ?? null;
    await this.items.setInstitution(item.itemId, institutionId);
    const institutionName = institutionId
      ? await this.institutions.name(institutionId).catch((err: unknown) => {
          // A name is nice to have; the rest of the refresh does not depend on it.
          this.logger.warn({ institutionId, err: (err as Error).message }, 'institution name unavailable');
          return plaidItem.institution_name ?? null;
        })
      : null;
    const { accounts } = await plaidCall(() => this.plaid.accountsGet({ access_token: accessToken }));
    const refreshed: ItemMetadataRefreshedEvent = {
      itemId: item.itemId,
      institutionId,
      institutionName,
      consentExpiresAt: plaidItem.consent_expiration_time ?? null,
      error: plaidItem.error ? itemProblem(plaidItem.error) : null,
      refreshedAt: new Date().toISOString(),
    };
    await this.db.transaction(async (em) => {
      await this.accounts.upsertMany(em, item.itemId, item.userId, accounts);
      await enqueueEvent(em, this.config.QUEUE_PREFIX, EventPattern.ItemMetadataRefreshed, refreshed);
    });
    this.relay.kick();
  }

  // Pulls every change since the stored cursor, 500 at a time, until has_more is false. Each page is applied
  // as it arrives (memory stays flat for 100k-transaction histories) while the next one is already being
  // fetched; the cursor is stored with the last page, so an interrupted run starts again from the last
  // completed one and re-applies idempotently.
  async syncTransactions(item: SyncItem): Promise<SyncOutcome> {
    const accessToken = this.token(item);
    const startCursor = item.cursor ?? undefined;
    const endTimer = metrics.syncDuration.startTimer();
    // Ids applied by runs that were abandoned on a mutation error: any of them the final run does not
    // confirm was added and removed again in between, and must go.
    const provisional = new Set<string>();
    for (let restart = 0; ; restart++) {
      const confirmed = new Set<string>();
      let cursor = startCursor;
      let pages = 0;
      let upserted = 0;
      let removed = 0;
      let added = 0;
      let modified = 0;
      const fetchPage = async (pageCursor: string | undefined): Promise<TransactionsSyncResponse> => {
        await this.limiter.acquire(item.itemId, '/transactions/sync');
        return plaidCall(() =>
          this.plaid.transactionsSync({ access_token: accessToken, cursor: pageCursor, count: PAGE_SIZE }),
        );
      };
      let pending: Promise<TransactionsSyncResponse> = fetchPage(cursor);
      try {
        for (;;) {
          const page = await pending;
          pages++;
          // The next cursor is known now: fetch the next page while this one is written.
          if (page.has_more) {
            pending = fetchPage(page.next_cursor);
            // Its failure is handled where it is awaited (next turn), or dropped if this write fails first.
            pending.catch(() => undefined);
          }
          const changed: Transaction[] = [...page.added, ...page.modified];
          added += page.added.length;
          modified += page.modified.length;
          const last = !page.has_more;
          const cleanup = last
            ? [...provisional].filter(
                (id) => !confirmed.has(id) && !changed.some((t) => t.transaction_id === id),
              )
            : [];
          await this.db.transaction(async (em) => {
            await this.accounts.upsertMany(em, item.itemId, item.userId, page.accounts);
            upserted += await this.transactions.upsert(em, item.itemId, item.userId, changed);
            removed += await this.transactions.remove(em, item.itemId, [
              ...page.removed.map((r: RemovedTransaction) => r.transaction_id),
              ...cleanup,
            ]);
            if (last) {
              const syncedAt = new Date();
              await this.items.saveCursor(em, item.itemId, page.next_cursor, syncedAt);
              await enqueueEvent(em, this.config.QUEUE_PREFIX, EventPattern.ItemSynced, {
                itemId: item.itemId,
                syncedAt: syncedAt.toISOString(),
                added,
                modified,
                removed,
              });
            }
          });
          for (const t of changed) {
            confirmed.add(t.transaction_id);
            provisional.add(t.transaction_id);
          }
          cursor = page.next_cursor;
          if (last) break;
        }
        this.relay.kick();
        endTimer();
        if (upserted >= ANALYZE_AFTER_ROWS) {
          // A big first sync leaves the planner without statistics: the read queries would scan and sort.
          await this.db
            .query('ANALYZE transactions')
            .catch((err: unknown) =>
              this.logger.warn({ err: (err as Error).message }, 'ANALYZE after a large sync failed'),
            );
        }
        metrics.transactionsApplied.inc({ kind: 'upserted' }, upserted);
        metrics.transactionsApplied.inc({ kind: 'removed' }, removed);
        const outcome = { pages, upserted, removed, restarts: restart };
        this.logger.log({ itemId: item.itemId, ...outcome }, 'transactions synced');
        return outcome;
      } catch (err) {
        const mutation =
          err instanceof PlaidApiError && err.errorCode === 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION';
        if (mutation && restart < this.config.SYNC_MAX_RESTARTS) {
          this.logger.warn(
            { itemId: item.itemId, restart: restart + 1 },
            'data changed during pagination; restarting',
          );
          continue;
        }
        throw err;
      }
    }
  }

  // Runs a Plaid step; item-level errors are recorded on the item (no retry: the user must act), transient
  // ones become retryable job errors. Returns false when the job should stop here.
  private async guard(item: SyncItem, step: () => Promise<unknown>): Promise<boolean> {
    try {
      await step();
      return true;
    } catch (err) {
      if (!(err instanceof PlaidApiError)) throw err;
      const policy = plaidErrorPolicy(err.errorCode, err.errorType);
      if (policy.retry === 'backoff_long' && err.errorType === 'INSTITUTION_ERROR') {
        await this.breaker.trip(item.institutionId, err.errorCode);
      }
      if (policy.itemStatus) {
        await this.recordItemError(item, err, policy.itemStatus);
        if (!policy.retryable) return false;
      }
      const maxAttempts = this.config.EVENT_MAX_ATTEMPTS;
      if (policy.retryable && requestContext.attempt() >= maxAttempts) {
        // Out of retries: the item shows the failure; the message goes to the dead-letter queue for a re-drive.
        await this.recordItemError(item, err, 'error');
        throw new JobError(
          `${err.errorType}/${err.errorCode} after ${maxAttempts} attempts`,
          false,
          err.errorCode,
        );
      }
      throw new JobError(`${err.errorType}/${err.errorCode}`, policy.retryable, err.errorCode);
    }
  }

  private async recordItemError(
    item: SyncItem,
    err: PlaidApiError,
    status: ItemProblemPayload['status'],
  ): Promise<void> {
    await this.db.transaction((em) =>
      enqueueEvent(em, this.config.QUEUE_PREFIX, EventPattern.ItemErrorRecorded, {
        itemId: item.itemId,
        error: {
          code: err.errorCode,
          message: err.displayMessage ?? defaultItemMessage(err.errorCode),
          status,
        },
        recordedAt: new Date().toISOString(),
      }),
    );
    await this.items.recordError(item.itemId, err.errorCode);
    this.relay.kick();
    this.logger.warn({ itemId: item.itemId, errorCode: err.errorCode, status }, 'item error recorded');
  }

  private token(item: SyncItem): string {
    return this.cipher.decrypt(item.accessTokenEnc, item.plaidItemId);
  }

  private async mustFind(itemId: string): Promise<SyncItem> {
    const item = await this.items.find(itemId);
    if (!item) throw new JobError(`unknown item ${itemId}`, false, 'UNKNOWN_ITEM');
    return item;
  }
}

// Plaid's item.error as an item problem: the status its code implies, a message fit for the user.
function itemProblem(error: PlaidError): ItemProblemPayload {
  return {
    code: error.error_code,
    message: error.display_message ?? defaultItemMessage(error.error_code),
    status: plaidErrorPolicy(error.error_code, error.error_type).itemStatus ?? 'error',
  };
}

// Shown to users when Plaid gave no display_message; Plaid's error_message is for logs only.
function defaultItemMessage(code: string): string {
  const policy = plaidErrorPolicy(code);
  if (policy.userActionRequired)
    return 'The bank needs you to sign in again to keep this connection working.';
  if (policy.itemStatus === 'revoked') return 'Access to this bank connection was revoked.';
  return 'This bank connection has a problem.';
}
