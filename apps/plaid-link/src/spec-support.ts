// Shared by plaid-link's service specs only: the test database, a config, `linkServiceTest` (the service under test
// built from the real feature modules with fakes for Plaid and the broker) and row helpers.
import { type DynamicModule, type Type } from '@nestjs/common';
import { OutboxRelay } from '@app/messaging';
import { generateEncryptionKey } from '@app/plaid';
import { type ServiceTest, TestDatabase, newServiceTest } from '@app/testing';
import { PlaidApi } from 'plaid';
import { LinkConfig, AppConfigModule } from './config';
import { SCHEMA, dataSourceOptions } from './database/database';
import { Item } from './items/item.entity';

export function linkTestConfig(url = 'postgres://unused'): LinkConfig {
  return Object.assign(new LinkConfig(), {
    DATABASE_URL: url,
    RUN_MIGRATIONS: true,
    DB_POOL_SIZE: 5,
    QUEUE_PREFIX: 'spec',
    RABBITMQ_URL: 'amqp://127.0.0.1:1',
    TOKEN_ENCRYPTION_KEYS: `spec:${generateEncryptionKey()}`,
  });
}

export function createLinkTestDatabase(): Promise<TestDatabase> {
  return TestDatabase.create(SCHEMA, (url) => dataSourceOptions(linkTestConfig(url)));
}

// One line per spec file: `Service` from plaid-link's real feature modules on a fresh database, Plaid and the
// outbox relay (the broker's side of the outbox: the outbox rows themselves are real) replaced by the fakes given.
export function linkServiceTest<S>(
  Service: Type<S>,
  features: (Type | DynamicModule)[],
  plaid: PlaidApi,
  relay: OutboxRelay,
): Promise<ServiceTest<S>> {
  return newServiceTest(Service, {
    database: createLinkTestDatabase,
    imports: (db) => [AppConfigModule.forRoot(linkTestConfig(db.url)), ...features],
    fakes: [
      { token: PlaidApi, value: plaid },
      { token: OutboxRelay, value: relay },
    ],
  });
}

export async function resetLinkTables(db: TestDatabase): Promise<void> {
  await db.dataSource.query(`TRUNCATE items, exchanges, outbox, rate_limits, user_events, user_event_heads`);
}

let seq = 0;

// A stored item; the access token is fake but readable by the module's cipher when `accessTokenEnc` is given.
export async function insertItem(db: TestDatabase, overrides: Partial<Item> = {}): Promise<Item> {
  seq += 1;
  const repo = db.dataSource.getRepository(Item);
  return repo.save(
    repo.create({
      userId: '00000000-0000-4000-8000-000000000001',
      plaidItemId: `item-spec-${seq}`,
      accessTokenEnc: 'not-a-real-ciphertext',
      institutionId: 'ins_1',
      institutionName: 'First Platypus Bank',
      accountsFingerprint: null,
      status: 'healthy',
      errorCode: null,
      errorMessage: null,
      consentExpiresAt: null,
      newAccountsAvailable: false,
      lastSyncedAt: null,
      ...overrides,
    }),
  );
}

export async function reloadItem(db: TestDatabase, id: string): Promise<Item | null> {
  return db.dataSource.getRepository(Item).findOne({ where: { id } });
}

// The events queued for other services (feed broadcasts excluded: see feedBroadcasts).
export async function outboxRows(db: TestDatabase): Promise<{ pattern: string; payload: unknown }[]> {
  return db.dataSource.query<{ pattern: string; payload: unknown }[]>(
    `SELECT pattern, payload FROM outbox WHERE queue NOT LIKE 'exchange:%' ORDER BY id`,
  );
}

// The feed events queued for the gateways, with the exchange they go to.
export async function feedBroadcasts(
  db: TestDatabase,
): Promise<{ queue: string; pattern: string; payload: Record<string, unknown> }[]> {
  return db.dataSource.query(
    `SELECT queue, pattern, payload FROM outbox WHERE queue LIKE 'exchange:%' ORDER BY id`,
  );
}

export interface StoredFeedEvent {
  userId: string;
  id: number;
  event: string;
  data: Record<string, unknown>;
}

// Every user's stored feed events, in id order per user.
export async function feedEvents(db: TestDatabase): Promise<StoredFeedEvent[]> {
  const rows = await db.dataSource.query<
    { user_id: string; seq: string; name: string; data: Record<string, unknown> }[]
  >(`SELECT user_id, seq, name, data FROM user_events ORDER BY user_id, seq`);
  return rows.map((r) => ({ userId: r.user_id, id: Number(r.seq), event: r.name, data: r.data }));
}

// Polls until `check` holds (never a fixed sleep); fails with `what` after `timeoutMs`.
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
