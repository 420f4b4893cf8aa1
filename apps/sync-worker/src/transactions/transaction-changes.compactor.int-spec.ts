import { randomUUID } from 'node:crypto';
import { type ServiceTest, type TestDatabase } from '@app/testing';
import { syncServiceTest } from '../spec-support';
import { TransactionChangesCompactor } from './transaction-changes.compactor';
import { TransactionChangesRepository } from './transaction-changes.repository';

describe(TransactionChangesCompactor.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<TransactionChangesCompactor>;
  let sut: TransactionChangesCompactor;

  beforeAll(async () => {
    harness = await syncServiceTest(TransactionChangesCompactor, {
      real: [TransactionChangesRepository],
      config: { CHANGE_LOG_COMPACTION_BATCH: 100, CHANGE_LOG_COMPACTION_SECONDS: 0 },
    });
    db = harness.db;
    sut = harness.sut;
  });

  afterAll(() => harness?.close());

  // Log rows as the triggers write them, `hoursAgo` old.
  async function logRows(count: number, hoursAgo: number): Promise<void> {
    await db.dataSource.query(
      `INSERT INTO transaction_changes (user_id, item_id, transaction_id, kind, changed_at)
       SELECT $1, $2, 'tx-' || g, 'a', now() - make_interval(hours => $3::int) FROM generate_series(1, $4) g`,
      [randomUUID(), randomUUID(), hoursAgo, count],
    );
  }

  const state = async () =>
    (
      await db.dataSource.query<{ left: number; horizon: string; oldest_kept: string | null }[]>(
        `SELECT (SELECT count(*)::int FROM transaction_changes) AS left,
                (SELECT seq::text FROM transaction_changes_horizon) AS horizon,
                (SELECT min(seq)::text FROM transaction_changes) AS oldest_kept`,
      )
    )[0];

  it('deletes every row past retention in batches, keeps the rest and records the horizon below them', async () => {
    await logRows(250, 200);
    await logRows(30, 1);

    const deleted = await sut.compact(168);

    const after = await state();
    expect(deleted).toBe(250);
    expect(after.left).toBe(30);
    expect(BigInt(after.horizon)).toBe(BigInt(after.oldest_kept ?? '0') - 1n);
  });

  it('keeps an old row that follows a recent one, so the log stays a contiguous suffix', async () => {
    await logRows(5, 1);
    await logRows(5, 500);
    const before = await state();

    expect(await sut.compact(168)).toBe(0);
    expect(await state()).toEqual(before);
  });
});
