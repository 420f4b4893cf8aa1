import { Injectable } from '@nestjs/common';
import {
  Products,
  type SandboxItemFireWebhookResponse,
  type SandboxItemResetLoginResponse,
  type SandboxPublicTokenCreateResponse,
  type SandboxTransactionsCreateResponse,
} from 'plaid';
import { type WithoutRequestId } from '../common/plaid-endpoint';
import { PlaidApiError } from '../common/plaid-error';
import { parseProducts } from '../common/products';
import {
  type JsonObject,
  optionalInt,
  optionalObject,
  optionalString,
  optionalStringArray,
  optionalUrl,
  requireFields,
  requiredString,
} from '../common/request-fields';
import { isoSeconds } from '../common/time';
import { type ItemRecord } from '../items/item.record';
import { ItemsService } from '../items/items.service';
import { ItemsStore } from '../items/items.store';
import { LinkService } from '../link/link.service';
import { TransactionsService } from '../transactions/transactions.service';
import { webhookBody, type WebhookPayload, WebhooksService } from '../webhooks/webhooks.service';

type FireWebhookType =
  'AUTH' | 'HOLDINGS' | 'INVESTMENTS_TRANSACTIONS' | 'ITEM' | 'LIABILITIES' | 'TRANSACTIONS' | 'ASSETS';

// Which codes each type accepts, and the product the Item must have (else SANDBOX_PRODUCT_NOT_ENABLED).
const FIRE_RULES: Record<FireWebhookType, { codes: string[]; product: Products | null }> = {
  TRANSACTIONS: {
    codes: ['DEFAULT_UPDATE', 'SYNC_UPDATES_AVAILABLE', 'RECURRING_TRANSACTIONS_UPDATE'],
    product: Products.Transactions,
  },
  ITEM: {
    codes: [
      'NEW_ACCOUNTS_AVAILABLE',
      'USER_PERMISSION_REVOKED',
      'USER_ACCOUNT_REVOKED',
      'PENDING_DISCONNECT',
      'LOGIN_REPAIRED',
      'ERROR',
      'AUTHORIZATION_GRANTED',
    ],
    product: null,
  },
  AUTH: { codes: ['SMS_MICRODEPOSITS_VERIFICATION', 'DEFAULT_UPDATE'], product: Products.Auth },
  HOLDINGS: { codes: ['DEFAULT_UPDATE'], product: Products.Investments },
  INVESTMENTS_TRANSACTIONS: { codes: ['DEFAULT_UPDATE'], product: Products.Investments },
  LIABILITIES: { codes: ['DEFAULT_UPDATE'], product: Products.Liabilities },
  ASSETS: { codes: ['PRODUCT_READY'], product: Products.Assets },
};

function defaultTypeFor(code: string): FireWebhookType {
  if (FIRE_RULES.ITEM.codes.includes(code)) return 'ITEM';
  if (code === 'SMS_MICRODEPOSITS_VERIFICATION') return 'AUTH';
  if (code === 'PRODUCT_READY') return 'ASSETS';
  return 'TRANSACTIONS';
}

@Injectable()
export class SandboxService {
  constructor(
    private readonly items: ItemsService,
    private readonly store: ItemsStore,
    private readonly link: LinkService,
    private readonly transactions: TransactionsService,
    private readonly webhooks: WebhooksService,
  ) {}

  /** Link without a browser: creates the Item and answers its public_token. */
  publicTokenCreate(body: JsonObject): WithoutRequestId<SandboxPublicTokenCreateResponse> {
    requireFields(body, ['institution_id', 'initial_products']);
    const institutionId = requiredString(body, 'institution_id');
    const products = parseProducts('initial_products', optionalStringArray(body, 'initial_products') ?? []);
    const options = optionalObject(body, 'options') ?? {};
    const transactions = optionalObject(options, 'transactions');
    const item = this.items.create({
      institutionId,
      username: optionalString(options, 'override_username') ?? 'user_good',
      password: optionalString(options, 'override_password') ?? 'pass_good',
      products,
      webhook: optionalUrl(options, 'webhook') ?? null,
      daysRequested: (transactions ? optionalInt(transactions, 'days_requested', 1, 730) : undefined) ?? 90,
    });
    return { public_token: this.link.issuePublicToken(item.itemId) };
  }

  fireWebhook(body: JsonObject): WithoutRequestId<SandboxItemFireWebhookResponse> {
    const item = this.store.requireByAccessToken(requiredString(body, 'access_token'));
    const code = requiredString(body, 'webhook_code');
    const rawType = optionalString(body, 'webhook_type') ?? defaultTypeFor(code);
    if (!(rawType in FIRE_RULES))
      throw PlaidApiError.invalidField(`webhook_type must be one of ${Object.keys(FIRE_RULES).join(', ')}`);
    const type = rawType as FireWebhookType;
    const rule = FIRE_RULES[type];
    if (!rule.codes.includes(code))
      throw PlaidApiError.invalidField(`webhook_code ${code} is not valid for webhook_type ${type}`);
    if (
      rule.product &&
      !item.products.includes(rule.product) &&
      !item.billedProducts.includes(rule.product)
    ) {
      throw PlaidApiError.of(
        'SANDBOX_PRODUCT_NOT_ENABLED',
        `the Item does not have the ${rule.product} product`,
      );
    }
    if (!item.webhook) throw PlaidApiError.of('SANDBOX_WEBHOOK_INVALID');
    this.webhooks.dispatch(item, this.firePayload(item, type, code));
    return { webhook_fired: true };
  }

  resetLogin(body: JsonObject): WithoutRequestId<SandboxItemResetLoginResponse> {
    const item = this.store.requireByAccessToken(requiredString(body, 'access_token'));
    this.items.resetLogin(item);
    return { reset_login: true };
  }

  transactionsCreate(body: JsonObject): WithoutRequestId<SandboxTransactionsCreateResponse> {
    return this.transactions.createCustom(body);
  }

  private firePayload(item: ItemRecord, type: FireWebhookType, code: string): WebhookPayload {
    const id = item.itemId;
    switch (type) {
      case 'TRANSACTIONS':
        if (code === 'SYNC_UPDATES_AVAILABLE') {
          return webhookBody(type, code, id, {
            initial_update_complete: true,
            historical_update_complete: true,
          });
        }
        if (code === 'RECURRING_TRANSACTIONS_UPDATE')
          return webhookBody(type, code, id, { account_ids: [...item.transactionAccountIds] });
        return webhookBody(type, code, id, { error: null, new_transactions: 0 });
      case 'ITEM':
        return this.itemPayload(item, code);
      case 'AUTH':
        return webhookBody(type, code, id, {
          account_id: item.accounts[0]?.account_id ?? null,
          status: 'MANUALLY_VERIFIED',
        });
      case 'HOLDINGS':
        return webhookBody(type, code, id, { error: null, new_holdings: 0, updated_holdings: 0 });
      case 'INVESTMENTS_TRANSACTIONS':
        return webhookBody(type, code, id, {
          error: null,
          new_investments_transactions: 0,
          canceled_investments_transactions: 0,
        });
      case 'LIABILITIES':
        return webhookBody(type, code, id, {
          error: null,
          account_ids_with_new_liabilities: [],
          account_ids_with_updated_liabilities: {},
        });
      case 'ASSETS':
        return webhookBody(type, code, id, { asset_report_id: null });
    }
  }

  private itemPayload(item: ItemRecord, code: string): WebhookPayload {
    const id = item.itemId;
    switch (code) {
      case 'ERROR':
        return webhookBody('ITEM', code, id, {
          error: PlaidApiError.of('ITEM_LOGIN_REQUIRED').toPlaidError(),
        });
      case 'USER_PERMISSION_REVOKED':
        return webhookBody('ITEM', code, id, {
          error: PlaidApiError.of('USER_PERMISSION_REVOKED').toPlaidError(),
        });
      case 'USER_ACCOUNT_REVOKED':
        return webhookBody('ITEM', code, id, { account_id: item.accounts[0]?.account_id ?? null });
      case 'PENDING_DISCONNECT':
        return webhookBody('ITEM', code, id, {
          reason: 'INSTITUTION_TOKEN_EXPIRATION',
          disconnect_time: isoSeconds(new Date(Date.now() + 7 * 86_400_000)),
        });
      case 'LOGIN_REPAIRED':
        item.error = null;
        return webhookBody('ITEM', code, id);
      default:
        return webhookBody('ITEM', code, id, { error: null });
    }
  }
}
