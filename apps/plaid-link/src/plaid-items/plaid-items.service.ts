import { Injectable, Logger } from '@nestjs/common';
import { AccessTokenCipher, PlaidApiError, plaidCall, plaidDomainError } from '@app/plaid';
import { PlaidApi } from 'plaid';

// Plaid answers these for an item that is already gone there: removing it again is a success.
const ALREADY_GONE = new Set(['ITEM_NOT_FOUND', 'INVALID_ACCESS_TOKEN', 'ITEM_CONCURRENTLY_DELETED']);

export interface StoredAccessToken {
  plaidItemId: string;
  accessTokenEnc: string;
}

// An item as Plaid knows it: its access token (stored encrypted, bound to the Plaid item id) and its removal.
@Injectable()
export class PlaidItemsService {
  private readonly logger = new Logger(PlaidItemsService.name);

  constructor(
    private readonly plaid: PlaidApi,
    private readonly cipher: AccessTokenCipher,
  ) {}

  encryptAccessToken(accessToken: string, plaidItemId: string): string {
    return this.cipher.encrypt(accessToken, plaidItemId);
  }

  accessToken(item: StoredAccessToken): string {
    return this.cipher.decrypt(item.accessTokenEnc, item.plaidItemId);
  }

  // Stops billing at Plaid. Idempotent: an item Plaid no longer knows counts as removed.
  async removeAtPlaid(accessToken: string, plaidItemId: string): Promise<void> {
    try {
      await plaidCall(() => this.plaid.itemRemove({ access_token: accessToken }));
    } catch (err) {
      if (err instanceof PlaidApiError && ALREADY_GONE.has(err.errorCode)) {
        this.logger.warn({ plaidItemId, errorCode: err.errorCode }, 'item already gone at Plaid');
        return;
      }
      if (err instanceof PlaidApiError) throw plaidDomainError(err);
      throw err;
    }
  }
}
