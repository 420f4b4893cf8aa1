import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventPattern, type ItemMetadataRefreshedEvent } from '@app/contracts';
import { OutboxRelay, enqueueEvent } from '@app/messaging';
import { AccessTokenCipher, plaidCall } from '@app/plaid';
import { type ItemGetResponse, PlaidApi } from 'plaid';
import { DataSource } from 'typeorm';
import { AccountsWriter } from '../accounts/accounts.writer';
import { CONFIG, SyncConfig } from '../config';
import { InstitutionNamesService } from '../institutions/institution-names.service';
import { type SyncItem, SyncItemsRepository } from '../items/sync-items.repository';
import { itemProblem } from './item-problem';

// What Plaid says about an item now (/item/get, the institution's name, /accounts/get): the accounts are
// stored and ItemMetadataRefreshed (with ItemAccountsChanged when they changed) is published in one transaction.
// Plaid errors reach the caller.
@Injectable()
export class ItemMetadataService {
  private readonly logger = new Logger(ItemMetadataService.name);

  constructor(
    @Inject(CONFIG) private readonly config: SyncConfig,
    private readonly db: DataSource,
    private readonly plaid: PlaidApi,
    private readonly cipher: AccessTokenCipher,
    private readonly items: SyncItemsRepository,
    private readonly accounts: AccountsWriter,
    private readonly institutions: InstitutionNamesService,
    private readonly relay: OutboxRelay,
  ) {}

  async refresh(item: SyncItem): Promise<void> {
    const accessToken = this.cipher.decrypt(item.accessTokenEnc, item.plaidItemId);
    const { item: plaidItem } = await plaidCall(() => this.plaid.itemGet({ access_token: accessToken }));
    const institutionId = plaidItem.institution_id ?? null;
    await this.items.setInstitution(item.itemId, institutionId);
    const institutionName = await this.institutionName(plaidItem);
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
      await this.accounts.upsert(em, item, accounts);
      await enqueueEvent(em, this.config.QUEUE_PREFIX, EventPattern.ItemMetadataRefreshed, refreshed);
    });
    this.relay.kick();
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
