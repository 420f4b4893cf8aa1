import { expect } from '@jest/globals';
import { type LoggedInUser } from './api';
import { db } from './db';
import { link, plaidItemId, waitHealthy } from './linking';
import { control } from './sandbox';
import { waitFor } from './wait-for';

export async function syncCalls(plaidId: string): Promise<number> {
  return (await control('GET', `/calls?item_id=${plaidId}&endpoint=/transactions/sync`)).total;
}

// After linking, the emulator's own webhooks trigger follow-up syncs; wait until they have all run: every
// delivery done, no sync requested, and the Plaid call count unchanged over three polls.
export async function quiescent(plaidId: string): Promise<number> {
  let last = -1;
  let stable = 0;
  return waitFor(
    async () => {
      const deliveries: { done: boolean }[] = await control('GET', `/webhooks?item_id=${plaidId}`);
      const [row] = await db('SELECT sync_requested FROM sync.items WHERE plaid_item_id = $1', [plaidId]);
      const calls = await syncCalls(plaidId);
      stable =
        calls === last && deliveries.every((d) => d.done) && row && !row.sync_requested ? stable + 1 : 0;
      last = calls;
      return stable >= 3 ? calls : undefined;
    },
    { what: 'item to be quiescent', intervalMs: 250 },
  );
}

export async function allTransactions(user: LoggedInUser, query = ''): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const qs: string = `limit=500${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await user.api.get(`/v1/transactions?${qs}`, user.accessToken);
    expect(res.status).toBe(200);
    out.push(...res.body.data);
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

export async function storedTransactionIds(itemId: string): Promise<Set<string>> {
  const rows = await db<{ plaid_transaction_id: string }>(
    'SELECT plaid_transaction_id FROM sync.transactions WHERE item_id = $1',
    [itemId],
  );
  return new Set(rows.map((r) => r.plaid_transaction_id));
}

// Waits until every id is stored for the item (what the worker wrote, whatever the API shows).
export async function waitStored(
  itemId: string,
  ids: string[],
  what: string,
  timeoutMs?: number,
): Promise<void> {
  await waitFor(
    async () => {
      const stored = await storedTransactionIds(itemId);
      return ids.every((id) => stored.has(id));
    },
    { what, timeoutMs },
  );
}

// Waits until every id is listed by GET /v1/transactions for the item, as the user sees it.
export async function waitListed(
  user: LoggedInUser,
  itemId: string,
  ids: string[],
  what: string,
): Promise<void> {
  await waitFor(
    async () => {
      const listed = new Set((await allTransactions(user, `itemId=${itemId}`)).map((t) => t.id));
      return ids.every((id) => listed.has(id));
    },
    { what },
  );
}

export async function transactionCount(itemId: string): Promise<{ n: number; distinct: number }> {
  const [row] = await db<{ n: string; d: string }>(
    'SELECT count(*) AS n, count(DISTINCT plaid_transaction_id) AS d FROM sync.transactions WHERE item_id = $1',
    [itemId],
  );
  return { n: Number(row.n), distinct: Number(row.d) };
}

// A linked, healthy item whose post-link syncs have all run: the starting point of most sync tests.
export async function syncedItem(
  user: LoggedInUser,
  institutionId: string,
  options: { username?: string } = {},
): Promise<{ id: string; plaidId: string }> {
  const item = await link(user, { institutionId, ...options });
  await waitHealthy(user, item.id);
  const plaidId = await plaidItemId(item.id);
  await quiescent(plaidId);
  return { id: item.id, plaidId };
}
