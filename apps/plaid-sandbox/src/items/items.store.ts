import { Injectable } from '@nestjs/common';
import { PlaidApiError } from '../common/plaid-error';
import { type JsonObject } from '../common/request-fields';
import { type ItemRecord } from './item.record';

const ACCESS_TOKEN = /^access-sandbox-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface PublicTokenRecord {
  itemId: string;
  expiresAt: number;
  used: boolean;
}

/** The emulator's in-memory state for Items, access tokens and public tokens. */
@Injectable()
export class ItemsStore {
  private readonly items = new Map<string, ItemRecord>();
  private readonly byAccessToken = new Map<string, string>();
  private readonly publicTokens = new Map<string, PublicTokenRecord>();
  private counter = 0;

  nextItemNumber(): number {
    return ++this.counter;
  }

  add(item: ItemRecord): void {
    this.items.set(item.itemId, item);
    this.byAccessToken.set(item.accessToken, item.itemId);
  }

  get(itemId: string): ItemRecord | undefined {
    return this.items.get(itemId);
  }

  all(): ItemRecord[] {
    return [...this.items.values()];
  }

  /** Any Item the token names, in error or not; removed → ITEM_NOT_FOUND, unknown → INVALID_ACCESS_TOKEN. */
  requireByAccessToken(accessToken: unknown): ItemRecord {
    if (typeof accessToken !== 'string' || !ACCESS_TOKEN.test(accessToken)) {
      throw PlaidApiError.of('INVALID_ACCESS_TOKEN');
    }
    const itemId = this.byAccessToken.get(accessToken);
    const item = itemId ? this.items.get(itemId) : undefined;
    if (!item) throw PlaidApiError.of('INVALID_ACCESS_TOKEN', 'could not find matching access token');
    if (item.removed) throw PlaidApiError.of('ITEM_NOT_FOUND');
    return item;
  }

  /** For data calls: the Item must also be out of error (e.g. ITEM_LOGIN_REQUIRED) and its bank up. */
  requireUsable(accessToken: unknown): ItemRecord {
    const item = this.requireByAccessToken(accessToken);
    if (item.error) throw item.error;
    if (item.institutionDown) throw PlaidApiError.of('INSTITUTION_DOWN');
    return item;
  }

  addPublicToken(token: string, itemId: string, ttlSeconds: number): void {
    this.publicTokens.set(token, { itemId, expiresAt: Date.now() + ttlSeconds * 1000, used: false });
  }

  /** Single use and expiring, as Plaid's public tokens. */
  consumePublicToken(token: string): ItemRecord {
    const record = this.publicTokens.get(token);
    if (!record)
      throw PlaidApiError.of(
        'INVALID_PUBLIC_TOKEN',
        'provided public token is in an invalid format or does not exist',
      );
    if (record.used)
      throw PlaidApiError.of('INVALID_PUBLIC_TOKEN', 'provided public token has already been exchanged');
    if (Date.now() > record.expiresAt) throw PlaidApiError.of('INVALID_PUBLIC_TOKEN');
    const item = this.items.get(record.itemId);
    if (!item) throw PlaidApiError.of('INVALID_PUBLIC_TOKEN');
    if (item.removed) throw PlaidApiError.of('ITEM_NOT_FOUND');
    record.used = true;
    return item;
  }

  /** The Item a Plaid request concerns, for call counting and failure rules; never throws. */
  itemIdForRequest(body: JsonObject): string | null {
    if (typeof body.access_token === 'string') return this.byAccessToken.get(body.access_token) ?? null;
    if (typeof body.public_token === 'string')
      return this.publicTokens.get(body.public_token)?.itemId ?? null;
    return null;
  }

  reset(): void {
    this.items.clear();
    this.byAccessToken.clear();
    this.publicTokens.clear();
    this.counter = 0;
  }
}
