import { Injectable, Logger } from '@nestjs/common';
import { EventPattern, type PlaidWebhookEvent } from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { itemUserMessage, PlaidApiError, plaidCall, plaidErrorPolicy } from '@app/plaid';
import { PlaidApi } from 'plaid';
import { type Item } from '../items/item.entity';
import { ItemChangesService } from '../items/item-changes.service';
import { ItemsRepository } from '../items/items.repository';
import { PlaidItemsService } from '../plaid-items/plaid-items.service';

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

// ITEM webhooks change an item's health. Each is idempotent: a duplicate sets the same state again.
@Injectable()
export class ItemWebhooksService {
  private readonly logger = new Logger(ItemWebhooksService.name);

  constructor(
    private readonly items: ItemsRepository,
    private readonly itemChanges: ItemChangesService,
    private readonly plaidItems: PlaidItemsService,
    private readonly uow: UnitOfWork,
    private readonly plaid: PlaidApi,
  ) {}

  async handle(event: PlaidWebhookEvent): Promise<void> {
    const item = event.plaidItemId ? await this.items.findByPlaidItemId(event.plaidItemId) : null;
    const context = { webhookCode: event.webhookCode, plaidItemId: event.plaidItemId };
    if (!item) {
      this.logger.warn(context, 'ITEM webhook for an unknown item; acknowledged');
      return;
    }
    const body = event.body;
    switch (event.webhookCode) {
      case 'ERROR':
        await this.recordError(item, body);
        break;
      case 'LOGIN_REPAIRED':
        await this.update(item, () => ({ status: 'healthy', errorCode: null, errorMessage: null }));
        break;
      case 'PENDING_EXPIRATION':
      case 'PENDING_DISCONNECT': {
        const at = str(body.consent_expiration_time) ?? str(body.disconnect_time);
        await this.update(item, (current) => ({
          status: 'expiring',
          consentExpiresAt: at ? new Date(at) : current.consentExpiresAt,
        }));
        break;
      }
      case 'USER_PERMISSION_REVOKED':
        await this.revoke(item);
        break;
      case 'USER_ACCOUNT_REVOKED':
        await this.revokeAccount(item, str(body.account_id));
        break;
      case 'NEW_ACCOUNTS_AVAILABLE':
        await this.update(item, () => ({ newAccountsAvailable: true }));
        break;
      case 'WEBHOOK_UPDATE_ACKNOWLEDGED':
        this.logger.log(
          { ...context, newWebhookUrl: str(body.new_webhook_url) },
          'webhook URL update acknowledged',
        );
        return;
      default:
        this.logger.log(context, 'ITEM webhook code we do not act on; acknowledged');
        return;
    }
    this.logger.log({ ...context, itemId: item.id }, 'ITEM webhook applied');
  }

  // Plaid's error, mapped to an item status by the Plaid error table; our wording when Plaid gives none.
  private async recordError(item: Item, body: Record<string, unknown>): Promise<void> {
    const error = (body.error ?? {}) as Record<string, unknown>;
    const code = str(error.error_code) ?? 'ITEM_ERROR';
    const policy = plaidErrorPolicy(code, str(error.error_type) ?? undefined);
    await this.update(item, () => ({
      status: policy.itemStatus ?? 'error',
      errorCode: code,
      errorMessage: str(error.display_message) ?? itemUserMessage(code),
    }));
  }

  // The change and the owner's item.updated (when the item as clients see it changed) commit together.
  private async update(item: Item, patch: (current: Item) => Partial<Item>): Promise<void> {
    await this.uow.run((tx) => this.itemChanges.update(tx, item.id, patch));
  }

  // One account's consent withdrawn: its data goes, the item stays.
  private async revokeAccount(item: Item, accountId: string | null): Promise<void> {
    if (!accountId) return;
    await this.uow.run((tx) =>
      tx.publish(EventPattern.ItemDataRevoked, { itemId: item.id, plaidAccountId: accountId }),
    );
  }

  // The user withdrew consent: stop at Plaid (best effort) and delete what we hold; the item stays, revoked.
  private async revoke(item: Item): Promise<void> {
    await this.uow.run(async (tx) => {
      await this.itemChanges.update(tx, item.id, () => ({
        status: 'revoked',
        errorCode: 'USER_PERMISSION_REVOKED',
        errorMessage: 'Access to this bank connection was revoked.',
      }));
      await tx.publish(EventPattern.ItemDataRevoked, { itemId: item.id });
    });
    await plaidCall(() => this.plaid.itemRemove({ access_token: this.plaidItems.accessToken(item) })).catch(
      (err: unknown) => {
        const code = err instanceof PlaidApiError ? err.errorCode : (err as Error).message;
        this.logger.warn(
          { itemId: item.id, code },
          'item/remove after revocation failed; data is deleted anyway',
        );
      },
    );
  }
}
