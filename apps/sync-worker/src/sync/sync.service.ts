import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  EventPattern,
  type PlaidWebhookEvent,
  type SyncRequestAcceptedDto,
  type SyncRequestedEvent,
} from '@app/contracts';
import { requestContext } from '@app/common';
import { JobError, UnitOfWork } from '@app/messaging';
import { ItemMetadataService } from '../accounts/item-metadata.service';
import { APP_CONFIG, SyncConfig } from '../config';
import { type SyncItem, SyncItemsRepository } from '../items/sync-items.repository';
import { ItemPlaidClients } from '../plaid/item-plaid.client';
import { RecurringService } from '../recurring/recurring.service';
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

// What triggers a sync (TRANSACTIONS webhooks, "sync requested", the owner's manual sync) and the sync itself:
// a metadata refresh when due, a coordinated run, the Plaid failure policy. The delivery attempt is read once,
// from the message, and passed down. The item's lifecycle (linked, removed, revoked) is ItemLifecycleService's.
@Injectable()
export class SyncService {
  private readonly logger = new Logger(SyncService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: SyncConfig,
    private readonly uow: UnitOfWork,
    private readonly plaid: ItemPlaidClients,
    private readonly items: SyncItemsRepository,
    private readonly coordinator: SyncCoordinator,
    private readonly metadata: ItemMetadataService,
    private readonly runs: SyncRunService,
    private readonly failures: PlaidFailurePolicy,
    private readonly recurring: RecurringService,
    private readonly refresher: TransactionsRefreshService,
  ) {}

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
      await this.refreshRecurring(item);
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
    await this.uow.run((tx) => tx.publish(EventPattern.SyncRequested, { itemId, reason: 'manual' }));
    return { accepted: true };
  }

  // One sync at a time per item; requests during a run coalesce into one follow-up (SyncCoordinator).
  async requestSync(itemId: string, attempt: number, manual = false): Promise<void> {
    const outcome = await this.coordinator.request(itemId, () => this.syncOnce(itemId, attempt, manual));
    if (outcome === 'unknown') this.logger.warn({ itemId }, 'sync requested for an unknown item');
  }

  // Plaid's freshness and the item's accounts (/item/get, /accounts/get) are refreshed first when due, so
  // newly shared accounts exist before their history arrives.
  private async syncOnce(itemId: string, attempt: number, manual: boolean): Promise<void> {
    const item = await this.mustFind(itemId);
    const plaid = await this.plaid.open(item);
    if (plaid.kind === 'paused') throw this.failures.deferral(item, plaid);
    let outcome;
    try {
      if (this.metadata.due(item, new Date(), manual)) await this.metadata.refresh(plaid);
      outcome = await this.runs.run(plaid);
    } catch (err) {
      return this.failures.handle(item, err, attempt);
    }
    // A run that changed transactions may have changed the recurring streams (never throws).
    if (outcome.upserted + outcome.removed > 0) await this.recurring.refresh(plaid, 'sync');
  }

  // Never throws, like the refresh itself: with the institution paused, the next sync with changes asks again.
  private async refreshRecurring(item: SyncItem): Promise<void> {
    const plaid = await this.plaid.open(item);
    if (plaid.kind === 'paused') {
      this.logger.log({ itemId: item.itemId }, 'institution paused; recurring streams not refreshed');
      return;
    }
    await this.recurring.refresh(plaid, 'webhook');
  }

  private async mustFind(itemId: string): Promise<SyncItem> {
    const item = await this.items.find(itemId);
    if (!item) throw JobError.permanent(`unknown item ${itemId}`, 'UNKNOWN_ITEM');
    return item;
  }
}
