import { randomUUID } from 'node:crypto';
import { type ServiceTest, type TestDatabase } from '@app/testing';
import { SyncItemsRepository } from '../items/sync-items.repository';
import { insertItem, specConfig, syncServiceTest } from '../spec-support';
import { SyncCoordinator } from './sync-coordinator.service';

// A run that waits for the test to let it finish, and records how many runs overlapped.
class GatedRuns {
  started = 0;
  active = 0;
  maxActive = 0;
  private releases: (() => void)[] = [];

  readonly run = async (): Promise<void> => {
    this.started++;
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    await new Promise<void>((resolve) => this.releases.push(resolve));
    this.active--;
  };

  releaseAll(): void {
    for (const release of this.releases.splice(0)) release();
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe(SyncCoordinator.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<SyncCoordinator>;
  let sut: SyncCoordinator;
  let items: SyncItemsRepository;

  beforeAll(async () => {
    harness = await syncServiceTest(SyncCoordinator, {
      real: [SyncItemsRepository],
      config: { EVENTS_PREFETCH: 25 },
    });
    db = harness.db;
    sut = harness.sut;
    items = harness.get(SyncItemsRepository);
  });

  afterAll(() => harness?.close());

  it('runs one at a time and answers "ran" to exactly one of 20 concurrent requests', async () => {
    const { itemId } = await insertItem(db, null);
    const runs = new GatedRuns();
    const settled: string[] = [];
    const requests = Array.from({ length: 20 }, () =>
      sut.request(itemId, runs.run).then((outcome) => {
        settled.push(outcome);
        return outcome;
      }),
    );
    await until(() => settled.length === 19, 'every request but the runner to return');
    await until(() => runs.started === 1, 'the first run');
    // Release each run as it starts until the runner returns.
    const releasing = setInterval(() => runs.releaseAll(), 1);
    const outcomes = await Promise.all(requests).finally(() => clearInterval(releasing));

    expect(outcomes.filter((o) => o === 'ran')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'coalesced')).toHaveLength(19);
    expect(runs.maxActive).toBe(1);
    // The first claim may come before or after the other requests' flags: one run, or one follow-up.
    expect(runs.started).toBeGreaterThanOrEqual(1);
    expect(runs.started).toBeLessThanOrEqual(2);
    expect(await items.isSyncRequested(itemId)).toBe(false);
  });

  it('runs exactly one follow-up for any number of requests that land during a run', async () => {
    const { itemId } = await insertItem(db, null);
    const runs = new GatedRuns();
    const first = sut.request(itemId, runs.run);
    await until(() => runs.started === 1, 'the first run');

    const during = await Promise.all(Array.from({ length: 19 }, () => sut.request(itemId, runs.run)));
    runs.releaseAll();
    await until(() => runs.started === 2, 'the follow-up');
    runs.releaseAll();

    expect(await first).toBe('ran');
    expect(during.every((o) => o === 'coalesced')).toBe(true);
    expect(runs.started).toBe(2);
    expect(runs.maxActive).toBe(1);
  });

  it('puts sync_requested back when the run fails', async () => {
    const { itemId } = await insertItem(db, null);

    await expect(
      sut.request(itemId, async () => {
        throw new Error('Plaid is down');
      }),
    ).rejects.toThrow('Plaid is down');

    expect(await items.isSyncRequested(itemId)).toBe(true);
  });

  it('runs again on the next request after a failed run', async () => {
    const { itemId } = await insertItem(db, null);
    await expect(
      sut.request(itemId, async () => {
        throw new Error('first attempt fails');
      }),
    ).rejects.toThrow();
    let runs = 0;

    const outcome = await sut.request(itemId, async () => {
      runs++;
    });

    expect(outcome).toBe('ran');
    expect(runs).toBe(1);
    expect(await items.isSyncRequested(itemId)).toBe(false);
  });

  it('answers "unknown" and runs nothing for an item it does not know', async () => {
    let ran = false;

    const outcome = await sut.request(randomUUID(), async () => {
      ran = true;
    });

    expect(outcome).toBe('unknown');
    expect(ran).toBe(false);
  });

  it('leaves the run to the instance that holds the lock when another instance is asked', async () => {
    const { itemId } = await insertItem(db, null);
    const other = new SyncCoordinator(specConfig(db.url), items);
    const runs = new GatedRuns();
    try {
      const first = sut.request(itemId, runs.run);
      await until(() => runs.started === 1, 'the first run');

      const elsewhere = await other.request(itemId, runs.run);
      runs.releaseAll();
      await until(() => runs.started === 2, 'the follow-up the other request asked for');
      runs.releaseAll();

      expect(elsewhere).toBe('coalesced');
      expect(await first).toBe('ran');
      expect(runs.maxActive).toBe(1);
    } finally {
      await other.onApplicationShutdown();
    }
  });
});
