import { Injectable } from '@nestjs/common';
import { AccessTokenCipher, plaidCall } from '@app/plaid';
import {
  type AccountsGetResponse,
  type ItemGetResponse,
  PlaidApi,
  type TransactionsRecurringGetResponse,
  type TransactionsSyncResponse,
} from 'plaid';
import { type SyncItem } from '../items/sync-items.repository';
import { InstitutionBreaker } from '../plaid-limits/institution-breaker.service';
import { PlaidRateLimiter } from '../plaid-limits/plaid-rate-limiter.service';

// Why the worker does not call Plaid for an item now, and for how long. The per-item rate limiter paces (a call
// over the limit waits for the next window) rather than refusing: a 100k-transaction first sync needs more
// pages than a minute allows and must slow down, not fail. So today the only pause is the institution breaker.
export interface PlaidPaused {
  readonly kind: 'paused';
  readonly reason: 'institution-down';
  readonly retryAfterSeconds: number;
}

// Plaid for one item: the access token decrypted once, every call paced by the per-item limiter (where Plaid
// limits it) and its failure mapped to a PlaidApiError (Plaid's safe fields only, through the lib's error map).
// Only ItemPlaidClients.open hands one out, after the institution breaker said yes. The token never leaves it.
export class ItemPlaidClient {
  readonly kind = 'open';

  constructor(
    readonly item: SyncItem,
    private readonly accessToken: string,
    private readonly plaid: PlaidApi,
    private readonly limiter: PlaidRateLimiter,
  ) {}

  transactionsSync(cursor: string | undefined, count: number): Promise<TransactionsSyncResponse> {
    return this.paced('/transactions/sync', () =>
      this.plaid.transactionsSync({ access_token: this.accessToken, cursor, count }),
    );
  }

  async transactionsRefresh(): Promise<void> {
    await this.paced('/transactions/refresh', () =>
      this.plaid.transactionsRefresh({ access_token: this.accessToken }),
    );
  }

  transactionsRecurringGet(): Promise<TransactionsRecurringGetResponse> {
    return this.paced('/transactions/recurring/get', () =>
      this.plaid.transactionsRecurringGet({
        access_token: this.accessToken,
        options: { include_personal_finance_category: true },
      }),
    );
  }

  accountsBalanceGet(): Promise<AccountsGetResponse> {
    return this.paced('/accounts/balance/get', () =>
      this.plaid.accountsBalanceGet({ access_token: this.accessToken }),
    );
  }

  // /item/get and /accounts/get run at most once per reconciliation, far under Plaid's per-item limits: not paced
  // (a pacing window costs a statement per call).
  itemGet(): Promise<ItemGetResponse> {
    return plaidCall(() => this.plaid.itemGet({ access_token: this.accessToken }));
  }

  accountsGet(): Promise<AccountsGetResponse> {
    return plaidCall(() => this.plaid.accountsGet({ access_token: this.accessToken }));
  }

  private async paced<T>(endpoint: string, request: () => Promise<{ data: T }>): Promise<T> {
    await this.limiter.acquire(this.item.itemId, endpoint);
    return plaidCall(request);
  }
}

// The one door to Plaid in the sync worker: every Plaid call about an item goes through a client from here.
@Injectable()
export class ItemPlaidClients {
  constructor(
    private readonly plaid: PlaidApi,
    private readonly cipher: AccessTokenCipher,
    private readonly limiter: PlaidRateLimiter,
    private readonly breaker: InstitutionBreaker,
  ) {}

  // The item's client, or why Plaid is not to be called for it now (its institution is paused).
  async open(item: SyncItem): Promise<ItemPlaidClient | PlaidPaused> {
    const paused = await this.breaker.pausedFor(item.institutionId);
    if (paused > 0) return { kind: 'paused', reason: 'institution-down', retryAfterSeconds: paused };
    const accessToken = this.cipher.decrypt(item.accessTokenEnc, item.plaidItemId);
    return new ItemPlaidClient(item, accessToken, this.plaid, this.limiter);
  }

  // Why a token that just arrived cannot be used by this worker (a key configuration problem), or null.
  tokenProblem(accessTokenEnc: string, plaidItemId: string): string | null {
    try {
      this.cipher.decrypt(accessTokenEnc, plaidItemId);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }
}
