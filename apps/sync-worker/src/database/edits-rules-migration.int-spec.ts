import { type TestDatabase } from '@app/testing';
import { createSyncDatabase } from '../spec-support';

// The migration of edits, rules, transfers and recurring streams goes down cleanly and comes back up.
describe('EditsRulesTransfersRecurring1765100000000', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createSyncDatabase();
  });

  afterAll(async () => {
    await db?.destroy();
  });

  const tables = async (): Promise<string[]> =>
    (
      await db.dataSource.query<{ name: string }[]>(
        `SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = 'sync' AND table_name IN ('transaction_edits', 'rules', 'recurring_streams')
          ORDER BY 1`,
      )
    ).map((r) => r.name);

  it('drops its tables and columns on the way down and restores them on the way up', async () => {
    // Later migrations (other features) go down first.
    const applied = async (): Promise<boolean> =>
      (
        await db.dataSource.query<unknown[]>(`SELECT 1 FROM sync.migrations WHERE name = $1`, [
          'EditsRulesTransfersRecurring1765100000000',
        ])
      ).length > 0;
    while (await applied()) await db.dataSource.undoLastMigration();
    const down = await tables();
    const [{ columns }] = await db.dataSource.query<{ columns: number }[]>(
      `SELECT count(*)::int AS columns FROM information_schema.columns
        WHERE table_schema = 'sync' AND table_name = 'transactions' AND column_name LIKE 'rule\\_%'`,
    );
    await db.dataSource.runMigrations();

    expect(down).toEqual([]);
    expect(columns).toBe(0);
    expect(await tables()).toEqual(['recurring_streams', 'rules', 'transaction_edits']);
  });
});
