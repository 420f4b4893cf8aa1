import { randomUUID } from 'node:crypto';
import { Api, expectErrorShape, type LoggedInUser, signupAndLogin } from './support/api';
import { db } from './support/db';
import { control } from './support/sandbox';
import { allTransactions, quiescent, syncedItem } from './support/sync';
import { waitFor } from './support/wait-for';

// A client's local copy of its transactions, kept with GET /v1/transactions/changes.
class Replica {
  readonly rows = new Map<string, any>();
  cursor: string | undefined;

  constructor(
    private readonly user: LoggedInUser,
    private readonly query = '',
  ) {}

  // Applies every page after the cursor, in order, until hasMore is false.
  async catchUp(limit: number): Promise<void> {
    for (let pages = 0; pages < 10_000; pages++) {
      const cursor = this.cursor ? `&cursor=${encodeURIComponent(this.cursor)}` : '';
      const res = await this.user.api.get(
        `/v1/transactions/changes?limit=${limit}${this.query}${cursor}`,
        this.user.accessToken,
      );
      if (res.status !== 200) throw new Error(`changes answered ${res.status}: ${JSON.stringify(res.body)}`);
      for (const t of [...res.body.added, ...res.body.modified]) this.rows.set(t.id, t);
      for (const { id } of res.body.removed) this.rows.delete(id);
      this.cursor = res.body.nextCursor;
      if (!res.body.hasMore) return;
    }
    throw new Error('the changes never ended');
  }
}

// Deterministic from its seed (mulberry32), so a failing round can be replayed with CHANGES_SEED.
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function shuffle<T>(items: T[], random: (n: number) => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const byId = (rows: any[]): Map<string, any> => new Map(rows.map((t) => [t.id, t]));

describe('transaction changes (delta sync)', () => {
  let user: LoggedInUser;
  let other: LoggedInUser;

  beforeAll(async () => {
    user = await signupAndLogin(new Api(), 'delta');
    other = await signupAndLogin(new Api(), 'delta-stranger');
  });

  it('keeps a replica equal to GET /v1/transactions through random changes (property, seeded)', async () => {
    const seed = Number(process.env.CHANGES_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const live = [await syncedItem(user, 'ins_109508'), await syncedItem(user, 'ins_109509')];
    const replicas = [new Replica(user), new Replica(user)];
    const limits = [1, 7, 50, 500];
    // Every kind of change at least once, in a seeded order, among plain mutations; the item removal not first.
    const ops = shuffle(['revoke', 'restart', 'restart', ...Array<string>(11).fill('mutate')], random);
    ops.splice(3 + random(ops.length - 3), 0, 'remove');

    const step = async (op: string): Promise<string> => {
      const item = live[random(live.length)];
      if (op === 'revoke') {
        // No sync in flight: one could put the account back before the test sees it gone.
        await quiescent(item.plaidId);
        const { accounts } = await control('GET', `/items/${item.plaidId}`);
        const account = accounts[random(accounts.length)].account_id as string;
        await control('POST', `/items/${item.plaidId}/webhook`, {
          webhook_type: 'ITEM',
          webhook_code: 'USER_ACCOUNT_REVOKED',
          account_id: account,
        });
        // The account stays, as `revoked`, without its transactions.
        await waitFor(
          async () =>
            (
              await db("SELECT 1 FROM sync.accounts WHERE plaid_account_id = $1 AND status = 'revoked'", [
                account,
              ])
            ).length === 1,
          { what: 'the revoked account’s data to go' },
        );
        return `revoke account ${account} of ${item.plaidId}`;
      }
      if (op === 'remove') {
        await quiescent(item.plaidId);
        live.splice(live.indexOf(item), 1);
        expect((await user.api.delete(`/v1/items/${item.id}`, user.accessToken)).status).toBe(204);
        await waitFor(
          async () => (await db('SELECT 1 FROM sync.items WHERE item_id = $1', [item.id])).length === 0,
          { what: 'the removed item’s data to go' },
        );
        return `remove item ${item.plaidId}`;
      }
      if (op === 'restart') {
        await control('POST', '/failures', {
          endpoint: '/transactions/sync',
          item_id: item.plaidId,
          http_status: 400,
          error_type: 'TRANSACTIONS_ERROR',
          error_code: 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION',
          times: 1,
        });
      }
      const change = {
        add: random(4),
        addPending: random(3),
        modify: random(4),
        remove: random(3),
        postPending: random(2),
        webhook: true,
      };
      await control('POST', `/items/${item.plaidId}/transactions/mutate`, change);
      // Half the time the client reads while the sync may still be running.
      if (random(2) === 0) await quiescent(item.plaidId);
      return `${op} ${item.plaidId} ${JSON.stringify(change)}`;
    };

    const history: string[] = [];
    try {
      for (const op of ops) {
        history.push(await step(op));
        const replica = replicas[random(replicas.length)];
        if (random(2) === 0) await replica.catchUp(limits[random(limits.length)]);
      }
      for (const item of live) await quiescent(item.plaidId);
      const expected = byId(await allTransactions(user));
      for (const replica of replicas) {
        await replica.catchUp(limits[random(limits.length)]);
        expect(replica.rows).toEqual(expected);
      }
      expect(expected.size).toBeGreaterThan(0);
    } catch (err) {
      (err as Error).message =
        `changes property failed with CHANGES_SEED=${seed}\n${history.join('\n')}\n${(err as Error).message}`;
      throw err;
    }
  }, 120_000);

  it('keeps a replica of one item with the itemId filter', async () => {
    const item = await syncedItem(user, 'ins_109510');
    const replica = new Replica(user, `&itemId=${item.id}`);
    await replica.catchUp(500);

    await control('POST', `/items/${item.plaidId}/transactions/mutate`, { add: 2, remove: 1, webhook: true });
    await quiescent(item.plaidId);
    await replica.catchUp(3);

    expect(replica.rows).toEqual(byId(await allTransactions(user, `itemId=${item.id}`)));
  });

  describe('bad input', () => {
    const get = (who: LoggedInUser, qs: string) =>
      who.api.get(`/v1/transactions/changes?${qs}`, who.accessToken);

    it('answers 401 without a token', async () => {
      expect((await new Api().get('/v1/transactions/changes')).status).toBe(401);
    });

    it.each(['limit=0', 'limit=501', 'limit=ten', 'cursor=bm90LWEtY3Vyc29y', 'itemId=not-a-uuid'])(
      'answers 400 VALIDATION_FAILED for %s',
      async (qs) => {
        const res = await get(user, qs);

        expect(res.status).toBe(400);
        expectErrorShape(res.body, 400, 'VALIDATION_FAILED');
      },
    );

    it('answers 400 for another user’s cursor', async () => {
      const mine = (await get(user, 'limit=1')).body.nextCursor as string;

      const res = await get(other, `cursor=${encodeURIComponent(mine)}`);

      expect(res.status).toBe(400);
      expectErrorShape(res.body, 400, 'VALIDATION_FAILED');
    });

    it('answers 400 for a list cursor of GET /v1/transactions', async () => {
      const listCursor = (await user.api.get('/v1/transactions?limit=1', user.accessToken)).body.nextCursor;

      expect((await get(user, `cursor=${encodeURIComponent(listCursor as string)}`)).status).toBe(400);
    });

    it('answers 404 for another user’s or an unknown item', async () => {
      // The stranger has no items: any item is another user's.
      const [{ item_id: theirs }] = await db<{ item_id: string }>(
        'SELECT item_id FROM sync.item_owners LIMIT 1',
      );

      for (const itemId of [theirs, randomUUID()]) {
        const res = await get(other, `itemId=${itemId}`);
        expect(res.status).toBe(404);
        expectErrorShape(res.body, 404, 'NOT_FOUND');
      }
    });

    it('answers 410 CURSOR_EXPIRED once compaction passed the cursor, and a fresh start still works', async () => {
      const fresh = await signupAndLogin(new Api(), 'delta-expired');
      await syncedItem(fresh, 'ins_109511');
      const old = (await get(fresh, 'limit=500')).body.nextCursor as string;
      // What a compaction pass records after deleting log rows up to (and past) this cursor's position.
      await db(
        `UPDATE sync.transaction_changes_horizon SET seq = (SELECT max(seq) + 1 FROM sync.transaction_changes)`,
      );

      const res = await get(fresh, `cursor=${encodeURIComponent(old)}`);

      expect(res.status).toBe(410);
      expectErrorShape(res.body, 410, 'CURSOR_EXPIRED');
      const replica = new Replica(fresh);
      await replica.catchUp(500);
      expect(replica.rows).toEqual(byId(await allTransactions(fresh)));
    });
  });
});
