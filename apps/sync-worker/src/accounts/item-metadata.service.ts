import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventPattern, type ItemMetadataRefreshedEvent } from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { type ItemGetResponse } from 'plaid';
import { APP_CONFIG, SyncConfig } from '../config';
import { InstitutionNamesService } from '../institutions/institution-names.service';
import { type SyncItem, SyncItemsRepository } from '../items/sync-items.repository';
import { type ItemPlaidClient } from '../plaid/item-plaid.client';
import { itemProblem } from '../plaid/item-problem';
import { AccountWritesService, type ReconcileOutcome } from './account-writes.service';

export interface RefreshOptions {
  // The owner says Link's account selection is done (POST /v1/items/:id/accounts/refresh).
  selectionDone?: boolean;
  // For tests: the reconciliation's clock (an account absent twice a day apart is closed).
  now?: Date;
}

const SELECTION_WINDOW_MS = 86_400_000;

// Whether the owner opened account selection for the item (within a day) and no reconciliation applied it yet.
export function selectionPending(item: SyncItem, now: Date): boolean {
  return (
    item.accountSelectionAt !== null &&
    now.getTime() - new Date(item.accountSelectionAt).getTime() < SELECTION_WINDOW_MS
  );
}

// What Plaid says about an item now (/item/get with its freshness, the institution's name, /accounts/get): the
// accounts are reconciled and ItemMetadataRefreshed (with ItemAccountsChanged when they changed) is published in
// one transaction. Plaid errors reach the caller.
@Injectable()
export class ItemMetadataService {
  private readonly logger = new Logger(ItemMetadataService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: SyncConfig,
    private readonly uow: UnitOfWork,
    private readonly items: SyncItemsRepository,
    private readonly accounts: AccountWritesService,
    private readonly institutions: InstitutionNamesService,
  ) {}

  async refresh(plaid: ItemPlaidClient, options: RefreshOptions = {}): Promise<ReconcileOutcome> {
    const { item } = plaid;
    const now = options.now ?? new Date();
    const { item: plaidItem, status } = await plaid.itemGet();
    const institutionId = plaidItem.institution_id ?? null;
    await this.items.setInstitution(item.itemId, institutionId);
    const lastUpdate = status?.transactions?.last_successful_update ?? null;
    await this.items.saveFreshness(item.itemId, lastUpdate ? new Date(lastUpdate) : null);
    const institutionName = await this.institutionName(plaidItem);
    const { accounts } = await plaid.accountsGet();
    const refreshed: ItemMetadataRefreshedEvent = {
      itemId: item.itemId,
      institutionId,
      institutionName,
      consentExpiresAt: plaidItem.consent_expiration_time ?? null,
      error: plaidItem.error ? itemProblem(plaidItem.error) : null,
      refreshedAt: now.toISOString(),
      plaidLastUpdatedAt: lastUpdate ? new Date(lastUpdate).toISOString() : null,
    };
    const pending = selectionPending(item, now);
    const afterSelection = options.selectionDone === true || pending;
    const outcome = await this.uow.run(async (tx) => {
      const result = await this.accounts.reconcile(tx, item, accounts, { afterSelection, now });
      // A pending selection is used up by the owner's own call, or by the first reconciliation that saw the
      // accounts change (the selection was made); until then a later sync still treats absences as unshared.
      const applied = options.selectionDone === true || (pending && result.changed > 0);
      await this.items.markReconciled(tx.manager, item.itemId, now, applied);
      await tx.publish(EventPattern.ItemMetadataRefreshed, {
        ...refreshed,
        accountSelectionApplied: applied,
      });
      return result;
    });
    if (outcome.changed > 0) this.logger.log({ itemId: item.itemId, ...outcome }, 'accounts reconciled');
    return outcome;
  }

  // Due on a sync when the last reconciliation is older than ACCOUNTS_RECONCILE_MINUTES, or a selection waits.
  due(item: SyncItem, now: Date, manual: boolean): boolean {
    if (manual || selectionPending(item, now) || item.accountsReconciledAt === null) return true;
    const ageMs = now.getTime() - new Date(item.accountsReconciledAt).getTime();
    return ageMs >= this.config.ACCOUNTS_RECONCILE_MINUTES * 60_000;
  }

  // A name is nice to have; the rest of the refresh does not depend on it.
  private async institutionName(plaidItem: ItemGetResponse['item']): Promise<string | null> {
    const institutionId = plaidItem.institution_id ?? null;
    if (!institutionId) return null;
    try {
      return await this.institutions.name(institutionId);
    } catch (err) {
      this.logger.warn({ institutionId, err: (err as Error).message }, 'institution name unavailable');
      return plaidItem.institution_name ?? null;
    }
  }
}
