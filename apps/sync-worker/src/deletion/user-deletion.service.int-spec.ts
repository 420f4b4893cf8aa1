import { randomUUID } from 'node:crypto';
import { EventPattern } from '@app/contracts';
import { type ServiceTest, type TestDatabase, tablesHolding, tablesWithUserId } from '@app/testing';
import { SCHEMA } from '../database/database';
import { insertItem, outboxEvents, syncServiceTest } from '../spec-support';
import { SYNC_DELETION_REGISTRY } from './deletion-registry';
import { UserDeletionRepository } from './user-deletion.repository';
import { UserDeletionService } from './user-deletion.service';

describe(UserDeletionService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<UserDeletionService>;
  let sut: UserDeletionService;

  beforeAll(async () => {
    harness = await syncServiceTest(UserDeletionService, { real: [UserDeletionRepository] });
    db = harness.db;
    sut = harness.sut;
  });

  afterAll(() => harness?.close());

  // An item with one account, `n` transactions, a change-log entry per transaction and a Plaid call window.
  async function seedUser(userId: string, n = 3): Promise<void> {
    const item = await insertItem(db, null, { userId });
    const [{ id: accountId }] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO accounts (item_id, user_id, plaid_account_id, name, type) VALUES ($1, $2, $3, 'Checking', 'depository')
       RETURNING id`,
      [item.itemId, userId, `acc-${randomUUID()}`],
    );
    await db.dataSource.query(
      `INSERT INTO transactions (plaid_transaction_id, item_id, user_id, account_id, amount, date, name, pending)
       SELECT 'tx-' || gen_random_uuid(), $1, $2, $3, 12.5, DATE '2026-11-01', 'Coffee', false
         FROM generate_series(1, $4)`,
      [item.itemId, userId, accountId, n],
    );
    await db.dataSource.query(
      `INSERT INTO plaid_call_windows (key, window_start, calls) VALUES ($1, now(), 1)`,
      [`/transactions/sync:${item.itemId}`],
    );
  }

  it('has a registry entry for every table with a user_id column', async () => {
    const registered = SYNC_DELETION_REGISTRY.map((e) => e.table);

    const missing = (await tablesWithUserId(db.dataSource, SCHEMA)).filter((t) => !registered.includes(t));

    expect(missing).toEqual([]);
  });

  it("deletes every row of the user in every table and confirms to auth, leaving other users' rows", async () => {
    const userId = randomUUID();
    const otherId = randomUUID();
    await seedUser(userId);
    await seedUser(otherId);
    const event = { deletionId: randomUUID(), userId };

    await sut.deleteUser(event);

    expect(await tablesHolding(db.dataSource, SCHEMA, userId)).toEqual({ outbox: 1 });
    expect(await outboxEvents(db, EventPattern.UserSyncDataDeleted)).toEqual([event]);
    expect(Object.keys(await tablesHolding(db.dataSource, SCHEMA, otherId)).sort()).toEqual([
      'accounts',
      'item_owners',
      'items',
      'transaction_changes',
      'transactions',
    ]);
  });

  it('deletes nothing more and confirms again when the step is delivered twice', async () => {
    const userId = randomUUID();
    await seedUser(userId);
    const event = { deletionId: randomUUID(), userId };
    await sut.deleteUser(event);

    await sut.deleteUser(event);

    const confirmations = (await outboxEvents(db, EventPattern.UserSyncDataDeleted)).filter(
      (e) => (e as { userId: string }).userId === userId,
    );
    expect(confirmations).toHaveLength(2);
  });
});
