import { jest } from '@jest/globals';
import { EventPattern, type PlaidWebhookEvent } from '@app/contracts';
import { type OutboxRelay } from '@app/messaging';
import { AccessTokenCipher, PlaidApiError } from '@app/plaid';
import { type ServiceTest, type TestDatabase, strictMock } from '@app/testing';
import { type PlaidApi } from 'plaid';
import { type Item } from '../items/item.entity';
import {
  feedEvents,
  insertItem,
  linkServiceTest,
  outboxRows,
  reloadItem,
  resetLinkTables,
} from '../spec-support';
import { ItemWebhooksService } from './item-webhooks.service';
import { WebhooksModule } from './webhooks.module';

function webhook(item: Pick<Item, 'plaidItemId'> | null, code: string, body: Record<string, unknown> = {}) {
  const event: PlaidWebhookEvent = {
    webhookType: 'ITEM',
    webhookCode: code,
    plaidItemId: item?.plaidItemId ?? 'plaid-item-nobody-knows',
    body: { webhook_type: 'ITEM', webhook_code: code, item_id: item?.plaidItemId, ...body },
    receivedAt: new Date().toISOString(),
  };
  return event;
}

describe(ItemWebhooksService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<ItemWebhooksService>;
  let sut: ItemWebhooksService;
  const plaid = { itemRemove: jest.fn(async () => ({ data: { request_id: 'r' } })) };
  const relay = { kick: jest.fn() };

  beforeAll(async () => {
    harness = await linkServiceTest(
      ItemWebhooksService,
      [WebhooksModule],
      strictMock<PlaidApi>('PlaidApi', plaid as unknown as Partial<PlaidApi>),
      strictMock<OutboxRelay>('OutboxRelay', relay),
    );
    db = harness.db;
    sut = harness.sut;
  });

  afterAll(() => harness?.close());

  beforeEach(async () => {
    jest.clearAllMocks();
    await resetLinkTables(db);
  });

  // An item whose stored access token the module's cipher can open.
  async function linkedItem(overrides: Partial<Item> = {}): Promise<Item> {
    const plaidItemId = `plaid-item-${Math.random().toString(36).slice(2)}`;
    const accessTokenEnc = harness.get(AccessTokenCipher).encrypt('access-sandbox-webhook', plaidItemId);
    return insertItem(db, { plaidItemId, accessTokenEnc, ...overrides });
  }

  it('marks the item login_required with Plaid display message on ERROR ITEM_LOGIN_REQUIRED', async () => {
    const item = await linkedItem();

    await sut.handle(
      webhook(item, 'ERROR', {
        error: {
          error_type: 'ITEM_ERROR',
          error_code: 'ITEM_LOGIN_REQUIRED',
          display_message: 'Log in again',
        },
      }),
    );

    expect(await reloadItem(db, item.id)).toMatchObject({
      status: 'login_required',
      errorCode: 'ITEM_LOGIN_REQUIRED',
      errorMessage: 'Log in again',
    });
  });

  it('marks the item error with our own wording on an ERROR without a mapped status or display message', async () => {
    const item = await linkedItem();

    await sut.handle(
      webhook(item, 'ERROR', { error: { error_type: 'API_ERROR', error_code: 'INTERNAL_SERVER_ERROR' } }),
    );

    expect(await reloadItem(db, item.id)).toMatchObject({
      status: 'error',
      errorCode: 'INTERNAL_SERVER_ERROR',
      // Not "sign in again": a Plaid outage is nothing the user can fix (libs/plaid itemUserMessage).
      errorMessage:
        'This bank connection has a problem. We will try again; if it stays, remove it and link the bank again.',
    });
  });

  it('records ITEM_ERROR on an ERROR webhook without an error object', async () => {
    const item = await linkedItem();

    await sut.handle(webhook(item, 'ERROR'));

    expect(await reloadItem(db, item.id)).toMatchObject({ status: 'error', errorCode: 'ITEM_ERROR' });
  });

  it('makes a login_required item healthy and clears its error on LOGIN_REPAIRED', async () => {
    const item = await linkedItem({
      status: 'login_required',
      errorCode: 'ITEM_LOGIN_REQUIRED',
      errorMessage: 'x',
    });

    await sut.handle(webhook(item, 'LOGIN_REPAIRED'));

    expect(await reloadItem(db, item.id)).toMatchObject({
      status: 'healthy',
      errorCode: null,
      errorMessage: null,
    });
  });

  it('marks the item expiring with the consent expiry on PENDING_EXPIRATION', async () => {
    const item = await linkedItem();

    await sut.handle(
      webhook(item, 'PENDING_EXPIRATION', { consent_expiration_time: '2027-03-01T00:00:00Z' }),
    );

    const after = await reloadItem(db, item.id);
    expect(after?.status).toBe('expiring');
    expect(after?.consentExpiresAt?.toISOString()).toBe('2027-03-01T00:00:00.000Z');
  });

  it('marks the item expiring with the disconnect time on PENDING_DISCONNECT', async () => {
    const item = await linkedItem();

    await sut.handle(webhook(item, 'PENDING_DISCONNECT', { disconnect_time: '2027-04-01T00:00:00Z' }));

    const after = await reloadItem(db, item.id);
    expect(after?.status).toBe('expiring');
    expect(after?.consentExpiresAt?.toISOString()).toBe('2027-04-01T00:00:00.000Z');
  });

  it('keeps the known consent expiry on PENDING_EXPIRATION without a time', async () => {
    const known = new Date('2027-05-01T00:00:00Z');
    const item = await linkedItem({ consentExpiresAt: known });

    await sut.handle(webhook(item, 'PENDING_EXPIRATION'));

    expect((await reloadItem(db, item.id))?.consentExpiresAt?.toISOString()).toBe(known.toISOString());
  });

  it('revokes the item, enqueues the data deletion and removes it at Plaid on USER_PERMISSION_REVOKED', async () => {
    const item = await linkedItem();

    await sut.handle(webhook(item, 'USER_PERMISSION_REVOKED'));

    expect(await reloadItem(db, item.id)).toMatchObject({
      status: 'revoked',
      errorCode: 'USER_PERMISSION_REVOKED',
    });
    expect(await outboxRows(db)).toEqual([
      { pattern: EventPattern.ItemDataRevoked, payload: { itemId: item.id } },
    ]);
    expect(relay.kick).toHaveBeenCalled();
    expect(plaid.itemRemove).toHaveBeenCalledWith({ access_token: 'access-sandbox-webhook' });
  });

  it('revokes the item even when removing it at Plaid fails', async () => {
    const item = await linkedItem();
    plaid.itemRemove.mockRejectedValueOnce(
      new PlaidApiError({
        errorType: 'API_ERROR',
        errorCode: 'INTERNAL_SERVER_ERROR',
        displayMessage: null,
        requestId: null,
        httpStatus: 500,
        plaidMessage: 'boom',
      }),
    );

    await expect(sut.handle(webhook(item, 'USER_PERMISSION_REVOKED'))).resolves.toBeUndefined();

    expect((await reloadItem(db, item.id))?.status).toBe('revoked');
  });

  it('enqueues the deletion of one account on USER_ACCOUNT_REVOKED', async () => {
    const item = await linkedItem();

    await sut.handle(webhook(item, 'USER_ACCOUNT_REVOKED', { account_id: 'acc-1' }));

    expect(await outboxRows(db)).toEqual([
      { pattern: EventPattern.ItemDataRevoked, payload: { itemId: item.id, plaidAccountId: 'acc-1' } },
    ]);
    expect((await reloadItem(db, item.id))?.status).toBe('healthy');
  });

  it('does nothing on USER_ACCOUNT_REVOKED without an account id', async () => {
    const item = await linkedItem();

    await sut.handle(webhook(item, 'USER_ACCOUNT_REVOKED'));

    expect(await outboxRows(db)).toEqual([]);
  });

  it('flags new accounts on NEW_ACCOUNTS_AVAILABLE, with one item.updated however often it comes', async () => {
    const item = await linkedItem();

    await sut.handle(webhook(item, 'NEW_ACCOUNTS_AVAILABLE'));
    await sut.handle(webhook(item, 'NEW_ACCOUNTS_AVAILABLE'));

    expect((await reloadItem(db, item.id))?.newAccountsAvailable).toBe(true);
    expect(await feedEvents(db)).toEqual([
      {
        userId: item.userId,
        id: 1,
        event: 'item.updated',
        data: { item: expect.objectContaining({ id: item.id, newAccountsAvailable: true }) },
      },
    ]);
    expect(relay.kick).toHaveBeenCalledTimes(1);
  });

  it('appends item.updated with the revoked item in the revocation’s transaction', async () => {
    const item = await linkedItem();

    await sut.handle(webhook(item, 'USER_PERMISSION_REVOKED'));

    expect(await feedEvents(db)).toEqual([
      expect.objectContaining({
        event: 'item.updated',
        data: {
          item: expect.objectContaining({
            status: 'revoked',
            error: {
              code: 'USER_PERMISSION_REVOKED',
              message: 'Access to this bank connection was revoked.',
            },
          }),
        },
      }),
    ]);
  });

  it.each(['WEBHOOK_UPDATE_ACKNOWLEDGED', 'SOMETHING_NEW'])('changes nothing on %s', async (code) => {
    const item = await linkedItem({ status: 'pending' });

    await sut.handle(webhook(item, code, { new_webhook_url: 'https://example.test/hook' }));

    expect(await reloadItem(db, item.id)).toMatchObject({ status: 'pending', errorCode: null });
    expect(await outboxRows(db)).toEqual([]);
    expect(await feedEvents(db)).toEqual([]);
  });

  it('acknowledges a webhook for an unknown item', async () => {
    await expect(sut.handle(webhook(null, 'ERROR'))).resolves.toBeUndefined();
    expect(await outboxRows(db)).toEqual([]);
  });
});
