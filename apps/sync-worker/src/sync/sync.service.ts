import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  EventPattern,
  type ItemDataRevokedEvent,
  type ItemLinkedEvent,
  type ItemRemovedEvent,
  type PlaidWebhookEvent,
  type SyncRequestAcceptedDto,
  type SyncRequestedEvent,
} from '@app/contracts';
import { requestContext } from '@app/common';
import { JobError, OutboxRelay, enqueueEvent } from '@app/messaging';
import { AccessTokenCipher } from '@app/plaid';
import { DataSource } from 'typeorm';
import { AccountsWriter } from '../accounts/accounts.writer';
import { CONFIG, SyncConfig } from '../config';
import { type SyncItem, SyncItemsRepository } from '../items/sync-items.repository';
import { RecurringService } from '../recurring/recurring.service';
import { TransfersRepository } from '../transactions/transfers.repository';
import { ItemMetadataService } from './item-metadata.service';
import { PlaidFailurePolicy } from './plaid-failure-policy.service';
import { SyncCoordinator } from './sync-coordinator.service';
import { SyncRunService } from './sync-run.service';
import { TransactionsRefreshService } from './transactions-refresh.service';

// TRANSACTIONS webhooks that mean "there is something to pull" (the legacy ones included).
const SYNC_CODES = new Set([
  'SYNC_UPDATES_AVAILABLE',
  'INITIAL_UPDATE',
  'HISTORICAL_UPDATE',
  'DEFAULT_UPDATE',
  'TRANSACTIONS_REMOVED',
]);

// Plaid's recurring streams of the item changed: fetch them again.
const RECURRING_UPDATE = 'RECURRING_TRANSACTIONS_UPDATE';

// The sync worker's entry: what each message means, in terms of a metadata refresh, a coordinated sync run
// and the Plaid failure policy. The delivery attempt is read here, once, and passed down.
@Injectable()
export class SyncService {
  private readonly logger = new Logger(SyncService.name);

  constructor(
    @Inject(CONFIG) private readonly config: SyncConfig,
    private readonly db: DataSource,
    private readonly cipher: AccessTokenCipher,
    private readonly items: SyncItemsRepository,
    private readonly accounts: AccountsWriter,
    private readonly relay: OutboxRelay,
    private readonly coordinator: SyncCoordinator,
    private readonly metadata: ItemMetadataService,
    private readonly runs: SyncRunService,
    private readonly failures: PlaidFailurePolicy,
    private readonly recurring: RecurringService,
    private readonly transfers: TransfersRepository,
    private readonly refresher: TransactionsRefreshService,
  ) {}

  // The job behind "item linked": item metadata, institution name, accounts, then the first sync.
  // Safe to run twice: every write is an upsert keyed by Plaid's ids.
  async onItemLinked(event: ItemLinkedEvent): Promise<void> {
    const attempt = requestContext.attempt();
    // Fails fast (and dead-letters) on a token this service cannot decrypt: a key configuration problem.
    try {
      this.cipher.decrypt(event.encryptedAccessToken, event.plaidItemId);
    } catch (err) {
      throw JobError.permanent(
        `cannot decrypt access token: ${(err as Error).message}`,
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
    try {
      await this.metadata.refresh(item);
    } catch (err) {
      // Returns when the job should end here (an item-level error is recorded); throws otherwise.
      return this.failures.handle(item, err, attempt);
    }
    await this.requestSync(item.itemId, attempt);
  }

  async onItemRemoved(event: ItemRemovedEvent): Promise<void> {
    await this.items.delete(event.itemId);
    // A transfer between this item and another of the user's is no pair any more.
    await this.db.transaction((em) => this.transfers.pair(em, event.userId, null, null));
    this.logger.log({ itemId: event.itemId }, 'item data deleted');
  }

  async onDataRevoked(event: ItemDataRevokedEvent): Promise<void> {
    const { itemId, plaidAccountId } = event;
    const owner = await this.items.find(itemId);
    await this.db.transaction(async (em) => {
      if (plaidAccountId) {
        await this.accounts.revokeOne(em, itemId, plaidAccountId);
      } else {
        await this.accounts.deleteForItem(em, itemId);
        await this.items.deleteSyncState(em, itemId);
      }
      if (owner) await this.transfers.pair(em, owner.userId, null, null);
    });
    this.relay.kick();
    this.logger.log(
      { itemId },
      plaidAccountId ? 'revoked account data deleted' : 'revoked item data deleted',
    );
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
    if (event.webhookCode === RECURRING_UPDATE) {
      await this.recurring.refresh(item, 'webhook');
      return;
    }
    if (!SYNC_CODES.has(event.webhookCode)) {
      this.logger.log(
        { webhookCode: event.webhookCode, itemId: item.itemId },
        'TRANSACTIONS webhook we do not act on',
      );
      return;
    }
    await this.requestSync(item.itemId, requestContext.attempt());
  }

  // A manual sync first asks Plaid to refresh (when enabled), and reconciles the item's accounts on its way.
  async onSyncRequested(event: SyncRequestedEvent): Promise<void> {
    const manual = event.reason === 'manual';
    if (manual && requestContext.attempt() === 1) {
      const item = await this.items.find(event.itemId);
      if (item) await this.refresher.beforeManualSync(item);
    }
    await this.requestSync(event.itemId, requestContext.attempt(), manual);
  }

  // POST /v1/items/:id/sync: throttled per item, then queued (the request returns before Plaid is called).
  async requestManualSync(userId: string, itemId: string): Promise<SyncRequestAcceptedDto> {
    const claim = await this.items.claimManualSync(
      itemId,
      userId,
      this.config.MANUAL_SYNC_MIN_INTERVAL_SECONDS,
      this.config.REPAIR_SYNC_MIN_INTERVAL_SECONDS,
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

  // One sync at a time per item; requests during a run coalesce into one follow-up (SyncCoordinator).
  private async requestSync(itemId: string, attempt: number, manual = false): Promise<void> {
    const outcome = await this.coordinator.request(itemId, () => this.syncOnce(itemId, attempt, manual));
    if (outcome === 'unknown') this.logger.warn({ itemId }, 'sync requested for an unknown item');
  }

  // Plaid's freshness and the item's accounts (/item/get, /accounts/get) are refreshed first when due, so
  // newly shared accounts exist before their history arrives.
  private async syncOnce(itemId: string, attempt: number, manual: boolean): Promise<void> {
    const item = await this.mustFind(itemId);
    await this.failures.deferIfPaused(item);
    let outcome;
    try {
      if (this.metadata.due(item, new Date(), manual)) await this.metadata.refresh(item);
      outcome = await this.runs.run(item);
    } catch (err) {
      return this.failures.handle(item, err, attempt);
    }
    // A run that changed transactions may have changed the recurring streams (never throws).
    if (outcome.upserted + outcome.removed > 0) await this.recurring.refresh(item, 'sync');
  }

  private async mustFind(itemId: string): Promise<SyncItem> {
    const item = await this.items.find(itemId);
    if (!item) throw JobError.permanent(`unknown item ${itemId}`, 'UNKNOWN_ITEM');
    return item;
  }
}
