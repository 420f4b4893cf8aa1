import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type LinkTokenCreateRequest, type LinkTokenCreateResponse, type Products } from 'plaid';
import { AccountLifecycleService } from '../accounts/account-lifecycle.service';
import { type WithoutRequestId } from '../common/plaid-endpoint';
import { PlaidApiError } from '../common/plaid-error';
import { parseProducts } from '../common/products';
import {
  type JsonObject,
  optionalBoolean,
  optionalInt,
  optionalObject,
  optionalString,
  optionalStringArray,
  optionalUrl,
  requireFields,
  requiredString,
} from '../common/request-fields';
import { isoSeconds } from '../common/time';
import { APP_CONFIG, type SandboxConfig } from '../config';
import { DEFAULT_INSTITUTION_ID } from '../institutions/institutions.catalog';
import { ItemsService } from '../items/items.service';
import { ItemsStore } from '../items/items.store';

interface LinkTokenRecord {
  expiresAt: number;
  webhook: string | null;
  products: Products[];
  daysRequested: number;
  /** Update mode: the Item being repaired. */
  itemId: string | null;
  /** Update mode with update.account_selection_enabled: the user picks the accounts to share again. */
  accountSelection: boolean;
}

export interface LinkCompletion {
  link_token: string;
  institution_id?: string;
  username?: string;
  password?: string;
  /** Account selection: the accounts the user shares (default: all of them). */
  account_ids?: string[];
}

const NEW_ITEM_TTL_MS = 4 * 3600_000;
const UPDATE_MODE_TTL_MS = 30 * 60_000;

@Injectable()
export class LinkService {
  private readonly tokens = new Map<string, LinkTokenRecord>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: SandboxConfig,
    private readonly items: ItemsService,
    private readonly store: ItemsStore,
    private readonly lifecycle: AccountLifecycleService,
  ) {}

  createLinkToken(body: JsonObject): WithoutRequestId<LinkTokenCreateResponse> {
    const request = this.parse(body);
    let record: LinkTokenRecord;
    if (request.access_token) {
      // Update mode: products and webhook do not apply; the Item keeps its own.
      const item = this.store.requireByAccessToken(request.access_token);
      record = {
        expiresAt: Date.now() + UPDATE_MODE_TTL_MS,
        webhook: item.webhook,
        products: item.products,
        daysRequested: item.daysRequested,
        itemId: item.itemId,
        accountSelection: request.update?.account_selection_enabled === true,
      };
    } else {
      const products = [...(request.products ?? []), ...(request.required_if_supported_products ?? [])];
      record = {
        expiresAt: Date.now() + NEW_ITEM_TTL_MS,
        webhook: request.webhook ?? null,
        products,
        daysRequested: request.transactions?.days_requested ?? 90,
        itemId: null,
        accountSelection: false,
      };
    }
    const token = `link-sandbox-${randomUUID()}`;
    this.tokens.set(token, record);
    return { link_token: token, expiration: isoSeconds(new Date(record.expiresAt)) };
  }

  /** Simulates the user finishing Link with this link token; answers the public_token Link would hand over. */
  complete(input: LinkCompletion): { public_token: string } {
    const record = this.tokens.get(input.link_token);
    if (!record || Date.now() > record.expiresAt) throw PlaidApiError.of('INVALID_LINK_TOKEN');
    let itemId: string;
    if (record.itemId) {
      const item = this.store.get(record.itemId);
      if (!item || item.removed) throw PlaidApiError.of('ITEM_NOT_FOUND');
      item.error = null;
      item.lastSuccessfulUpdate = new Date();
      if (record.accountSelection) this.lifecycle.applySelection(item, input.account_ids);
      itemId = item.itemId;
    } else {
      itemId = this.items.create({
        institutionId: input.institution_id ?? DEFAULT_INSTITUTION_ID,
        username: input.username ?? 'user_good',
        password: input.password ?? 'pass_good',
        products: record.products,
        webhook: record.webhook,
        daysRequested: record.daysRequested,
      }).itemId;
    }
    return { public_token: this.issuePublicToken(itemId) };
  }

  issuePublicToken(itemId: string): string {
    const token = `public-sandbox-${randomUUID()}`;
    this.store.addPublicToken(token, itemId, this.config.publicTokenTtlSeconds);
    return token;
  }

  reset(): void {
    this.tokens.clear();
  }

  private parse(body: JsonObject): LinkTokenCreateRequest {
    requireFields(body, ['client_name', 'language', 'country_codes']);
    const client_name = requiredString(body, 'client_name');
    const language = requiredString(body, 'language');
    const country_codes = optionalStringArray(body, 'country_codes') ?? [];
    if (country_codes.length === 0)
      throw PlaidApiError.invalidField('country_codes must contain at least one country code');
    const user = optionalObject(body, 'user');
    const userId = optionalString(body, 'user_id');
    if (!user && !userId) throw PlaidApiError.missingFields(['user']);
    if (user) {
      requireFields(user, ['client_user_id']);
      requiredString(user, 'client_user_id');
    }
    const access_token = optionalString(body, 'access_token');
    const rawProducts = optionalStringArray(body, 'products');
    if (!access_token && (rawProducts === undefined || rawProducts.length === 0)) {
      throw PlaidApiError.missingFields(['products']);
    }
    const products = rawProducts
      ? parseProducts('products', rawProducts, { allowEmpty: Boolean(access_token) })
      : undefined;
    const required = optionalStringArray(body, 'required_if_supported_products');
    const transactions = optionalObject(body, 'transactions');
    const days = transactions ? optionalInt(transactions, 'days_requested', 1, 730) : undefined;
    const update = optionalObject(body, 'update');
    const accountSelection = update ? optionalBoolean(update, 'account_selection_enabled') : undefined;
    return {
      client_name,
      language,
      country_codes: country_codes as LinkTokenCreateRequest['country_codes'],
      user: { client_user_id: user ? String(user.client_user_id) : (userId ?? '') },
      products,
      required_if_supported_products: required
        ? parseProducts('required_if_supported_products', required, { allowEmpty: true })
        : undefined,
      webhook: optionalUrl(body, 'webhook'),
      access_token,
      transactions: days !== undefined ? { days_requested: days } : undefined,
      update: accountSelection !== undefined ? { account_selection_enabled: accountSelection } : undefined,
    };
  }
}
