import { Inject, Injectable } from '@nestjs/common';
import { type AccountBase, type PlaidError } from 'plaid';
import { PlaidApiError } from '../common/plaid-error';
import { INVALID_JSON } from '../common/request-context';
import {
  isObject,
  type JsonObject,
  optionalBoolean,
  optionalInt,
  optionalString,
  optionalStringArray,
  requiredString,
} from '../common/request-fields';
import { APP_CONFIG, type SandboxConfig } from '../config';
import { ItemsService } from '../items/items.service';
import { ItemsStore } from '../items/items.store';
import { type LinkCompletion, LinkService } from '../link/link.service';
import { type MutationResult, TransactionsService } from '../transactions/transactions.service';
import { WebhookKeysService } from '../webhooks/webhook-keys.service';
import {
  type Delivery,
  type DeliveryResult,
  webhookBody,
  WebhooksService,
} from '../webhooks/webhooks.service';
import { CallsService } from './calls.service';
import { FailuresService } from './failures.service';

export interface ItemSummary {
  item_id: string;
  institution_id: string;
  username: string;
  webhook: string | null;
  error: PlaidError | null;
  removed: boolean;
  sync_started: boolean;
  transaction_count: number;
  pending_count: number;
  version: number;
  accounts: AccountBase[];
}

/** Control bodies are lenient (no body = {}), but a non-JSON body is still INVALID_BODY. */
export function controlBody(body: unknown): JsonObject {
  if (body === INVALID_JSON) throw PlaidApiError.of('INVALID_BODY');
  return isObject(body) ? body : {};
}

/** Test-only operations under /sandbox-control: not part of Plaid's API. */
@Injectable()
export class ControlService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: SandboxConfig,
    private readonly store: ItemsStore,
    private readonly items: ItemsService,
    private readonly link: LinkService,
    private readonly transactions: TransactionsService,
    private readonly webhooks: WebhooksService,
    private readonly keys: WebhookKeysService,
    private readonly calls: CallsService,
    private readonly failures: FailuresService,
  ) {}

  completeLink(raw: unknown): { public_token: string } {
    const body = controlBody(raw);
    const input: LinkCompletion = {
      link_token: requiredString(body, 'link_token'),
      institution_id: optionalString(body, 'institution_id'),
      username: optionalString(body, 'username'),
      password: optionalString(body, 'password'),
      account_ids: optionalStringArray(body, 'account_ids'),
    };
    return this.link.complete(input);
  }

  mutate(itemId: string, raw: unknown): MutationResult {
    const body = controlBody(raw);
    const n = (field: string): number | undefined => optionalInt(body, field, 0, 1_000_000);
    return this.transactions.mutate(itemId, {
      add: n('add'),
      addPending: n('addPending'),
      modify: n('modify'),
      remove: n('remove'),
      postPending: n('postPending'),
      webhook: optionalBoolean(body, 'webhook'),
    });
  }

  async sendWebhook(itemId: string, raw: unknown): Promise<DeliveryResult> {
    const body = controlBody(raw);
    const item = this.requireItem(itemId);
    const { webhook_type: _t, webhook_code: _c, ...extra } = body;
    const payload = webhookBody(
      requiredString(body, 'webhook_type'),
      requiredString(body, 'webhook_code'),
      item.itemId,
      extra,
    );
    if (!item.webhook) throw PlaidApiError.of('SANDBOX_WEBHOOK_INVALID');
    return this.webhooks.send(item, payload);
  }

  summary(itemId: string): ItemSummary {
    const item = this.requireItem(itemId);
    return {
      item_id: item.itemId,
      institution_id: item.institutionId,
      username: item.username,
      webhook: item.webhook,
      error: item.error ? item.error.toPlaidError() : null,
      removed: item.removed,
      sync_started: item.syncStarted,
      transaction_count: item.log.size,
      pending_count: item.log.pendingCount,
      version: item.log.version,
      accounts: item.accounts,
    };
  }

  async sign(raw: unknown): Promise<{ plaidVerification: string }> {
    const body = controlBody(raw);
    if (typeof body.body !== 'string')
      throw PlaidApiError.invalidField('body must be the raw webhook body as a string');
    const iat = optionalInt(body, 'iat', 0, Number.MAX_SAFE_INTEGER);
    const kid = optionalString(body, 'kid');
    return { plaidVerification: await this.keys.sign(body.body, { iat, kid }) };
  }

  async rotateKey(): Promise<{ kid: string; previous_kid: string }> {
    const previous = this.keys.currentKeyId;
    const key = await this.keys.rotate();
    return { kid: key.kid, previous_kid: previous };
  }

  addFailure(raw: unknown): { id: string } {
    return this.failures.add(controlBody(raw));
  }

  callCounts(itemId?: string, endpoint?: string): ReturnType<CallsService['query']> {
    return this.calls.query({ itemId: itemId || undefined, endpoint: endpoint || undefined });
  }

  resetCalls(): ReturnType<CallsService['query']> {
    this.calls.reset();
    return this.calls.query({});
  }

  deliveries(itemId?: string): Delivery[] {
    return this.webhooks.log(itemId || undefined);
  }

  setConfig(raw: unknown): { transactions_per_item: number } {
    const body = controlBody(raw);
    const perItem = optionalInt(body, 'transactions_per_item', 0, 5_000_000);
    if (perItem !== undefined) this.items.transactionsPerItem = perItem;
    return { transactions_per_item: this.items.transactionsPerItem };
  }

  reset(): { reset: true } {
    this.store.reset();
    this.link.reset();
    this.calls.reset();
    this.failures.clear();
    this.webhooks.reset();
    this.items.transactionsPerItem = this.config.transactionsPerItem;
    return { reset: true };
  }

  private requireItem(itemId: string): NonNullable<ReturnType<ItemsStore['get']>> {
    const item = this.store.get(itemId);
    if (!item) throw PlaidApiError.of('ITEM_NOT_FOUND', `unknown item_id: ${itemId}`);
    return item;
  }
}
