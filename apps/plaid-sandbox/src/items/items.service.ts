import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  type Item,
  type ItemGetResponse,
  type ItemPublicTokenExchangeResponse,
  type ItemRemoveResponse,
  type ItemStatusNullable,
  type ItemWebhookUpdateResponse,
  type ItemWithConsentFields,
  ItemUpdateTypeEnum,
  ItemWithConsentFieldsUpdateTypeEnum,
  Products,
} from 'plaid';
import { defaultAccounts, overrideAccounts } from '../accounts/accounts.factory';
import { hash32, Rng } from '../common/ids';
import { type WithoutRequestId } from '../common/plaid-endpoint';
import { PlaidApiError } from '../common/plaid-error';
import { type JsonObject, optionalUrl, requiredString } from '../common/request-fields';
import { isoSeconds } from '../common/time';
import { APP_CONFIG, type SandboxConfig } from '../config';
import { InstitutionsService } from '../institutions/institutions.service';
import { evaluateLogin } from '../sandbox/sandbox-credentials';
import { TransactionLog } from '../transactions/transaction-log';
import { historySpanDays, utcDay } from '../transactions/transactions.generator';
import { TransactionsService } from '../transactions/transactions.service';
import { webhookBody, WebhooksService } from '../webhooks/webhooks.service';
import { type ItemRecord } from './item.record';
import { ItemsStore } from './items.store';

export interface NewItemSpec {
  institutionId: string;
  username: string;
  password: string;
  products: Products[];
  webhook: string | null;
  daysRequested: number;
}

const DYNAMIC_USER_TRANSACTIONS = 50;

@Injectable()
export class ItemsService {
  /** History size for Items created from now on (control route can change it for benchmarks). */
  transactionsPerItem: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: SandboxConfig,
    private readonly store: ItemsStore,
    private readonly institutions: InstitutionsService,
    private readonly transactions: TransactionsService,
    private readonly webhooks: WebhooksService,
  ) {
    this.transactionsPerItem = config.transactionsPerItem;
  }

  /** What finishing Link does: log in (maybe failing as Link would), create the Item and its data. */
  create(spec: NewItemSpec): ItemRecord {
    const institution = this.institutions.require(spec.institutionId);
    if (institution.linkError) throw PlaidApiError.of(institution.linkError);
    const login = evaluateLogin(spec.username, spec.password);
    const n = this.store.nextItemNumber();
    const itemId = Rng.from(this.config.seed, 'item', n).plaidId();
    const identity = {
      seed: this.config.seed,
      institutionId: institution.institution_id,
      username: spec.username,
    };
    const built = login.overrideAccounts
      ? overrideAccounts(identity, itemId, login.overrideAccounts)
      : defaultAccounts(identity, itemId);
    const count = login.overrideAccounts
      ? 0
      : login.dynamic
        ? DYNAMIC_USER_TRANSACTIONS
        : this.transactionsPerItem;
    const now = new Date();
    const products = [...new Set(spec.products)];
    const item: ItemRecord = {
      itemId,
      accessToken: `access-sandbox-${randomUUID()}`,
      institutionId: institution.institution_id,
      institutionName: institution.name,
      webhook: spec.webhook,
      products,
      billedProducts: [...products],
      availableProducts: institution.products.filter((p) => !products.includes(p)),
      username: spec.username,
      dynamic: login.dynamic,
      createdAt: now,
      error: login.itemError,
      removed: false,
      accounts: built.accounts,
      roles: built.roles,
      transactionAccountIds: new Set(),
      history: {
        profileSeed: hash32(`${this.config.seed}:${institution.institution_id}:${spec.username}`),
        count,
        spanDays: historySpanDays(count, spec.daysRequested),
        baseDate: utcDay(now),
      },
      log: new TransactionLog(),
      rng: Rng.from(this.config.seed, itemId, 'transactions'),
      daysRequested: spec.daysRequested,
      extraIndex: count,
      institutionDown: institution.health === 'DOWN',
      syncStarted: false,
      lastWebhook: null,
      lastSuccessfulUpdate: now,
      lastFailedUpdate: null,
    };
    this.transactions.seed(item, built.customTransactions);
    this.store.add(item);
    this.scheduleLegacyTransactionWebhooks(item);
    return item;
  }

  exchange(body: JsonObject): WithoutRequestId<ItemPublicTokenExchangeResponse> {
    const item = this.store.consumePublicToken(requiredString(body, 'public_token'));
    return { access_token: item.accessToken, item_id: item.itemId };
  }

  get(body: JsonObject): WithoutRequestId<ItemGetResponse> {
    const item = this.store.requireByAccessToken(requiredString(body, 'access_token'));
    const view: ItemWithConsentFields = {
      ...this.view(item),
      update_type: ItemWithConsentFieldsUpdateTypeEnum.Background,
      created_at: isoSeconds(item.createdAt),
    };
    return { item: view, status: this.status(item) };
  }

  remove(body: JsonObject): WithoutRequestId<ItemRemoveResponse> {
    const item = this.store.requireByAccessToken(requiredString(body, 'access_token'));
    item.removed = true;
    return {};
  }

  updateWebhook(body: JsonObject): WithoutRequestId<ItemWebhookUpdateResponse> {
    const item = this.store.requireByAccessToken(requiredString(body, 'access_token'));
    const webhook = optionalUrl(body, 'webhook') ?? null;
    item.webhook = webhook;
    if (webhook) {
      this.webhooks.dispatch(
        item,
        webhookBody('ITEM', 'WEBHOOK_UPDATE_ACKNOWLEDGED', item.itemId, {
          error: null,
          new_webhook_url: webhook,
        }),
      );
    }
    return { item: this.view(item) };
  }

  /** Puts the Item into ITEM_LOGIN_REQUIRED and fires ITEM ERROR, as /sandbox/item/reset_login. */
  resetLogin(item: ItemRecord): void {
    const error = PlaidApiError.of('ITEM_LOGIN_REQUIRED');
    item.error = error;
    item.lastFailedUpdate = new Date();
    this.webhooks.dispatch(item, webhookBody('ITEM', 'ERROR', item.itemId, { error: error.toPlaidError() }));
  }

  view(item: ItemRecord): Item {
    return {
      item_id: item.itemId,
      institution_id: item.institutionId,
      institution_name: item.institutionName,
      webhook: item.webhook,
      auth_method: null,
      error: item.error ? item.error.toPlaidError() : null,
      available_products: item.availableProducts,
      billed_products: item.billedProducts,
      products: item.products,
      consented_products: item.products,
      consent_expiration_time: null,
      update_type: ItemUpdateTypeEnum.Background,
    };
  }

  private status(item: ItemRecord): ItemStatusNullable {
    return {
      investments: null,
      transactions: {
        last_successful_update: isoSeconds(item.lastSuccessfulUpdate),
        last_failed_update: item.lastFailedUpdate ? isoSeconds(item.lastFailedUpdate) : null,
      },
      last_webhook: item.lastWebhook
        ? { sent_at: item.lastWebhook.sentAt, code_sent: item.lastWebhook.code }
        : null,
    };
  }

  /** Plaid still sends the legacy INITIAL_UPDATE / HISTORICAL_UPDATE after linking a Transactions Item. */
  private scheduleLegacyTransactionWebhooks(item: ItemRecord): void {
    if (
      !this.config.autoWebhooks ||
      !item.webhook ||
      item.error ||
      !item.products.includes(Products.Transactions)
    )
      return;
    const total = item.log.size;
    this.webhooks.later(this.config.webhookDelayMs, () => {
      if (item.removed) return;
      this.webhooks.dispatch(
        item,
        webhookBody('TRANSACTIONS', 'INITIAL_UPDATE', item.itemId, { error: null, new_transactions: total }),
      );
      this.webhooks.dispatch(
        item,
        webhookBody('TRANSACTIONS', 'HISTORICAL_UPDATE', item.itemId, {
          error: null,
          new_transactions: total,
        }),
      );
    });
  }
}
