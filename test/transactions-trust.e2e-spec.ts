import { randomUUID } from 'node:crypto';
import { Api, expectErrorShape, type LoggedInUser, runInfo, signupAndLogin } from './support/api';
import { db } from './support/db';
import { EventStreamClient } from './support/event-stream';
import { control } from './support/sandbox';
import { allTransactions, quiescent, syncedItem, waitListed } from './support/sync';
import { waitFor } from './support/wait-for';

// Edits, rules, transfers, recurring streams and spending insights end to end: the emulator drives the bank's
// side through its control scenarios, the worker syncs on the webhooks, the tests read what the user sees.
describe('transactions people can trust', () => {
  let user: LoggedInUser;
  let stranger: LoggedInUser;
  let item: { id: string; plaidId: string };

  const patch = (who: LoggedInUser, id: string, body: unknown) =>
    who.api.request('PATCH', `/v1/transactions/${encodeURIComponent(id)}`, { body, token: who.accessToken });
  const getTx = (id: string) => user.api.get(`/v1/transactions/${encodeURIComponent(id)}`, user.accessToken);
  // Waits until the user sees the transaction and `check` holds for it.
  const seen = (id: string, what: string, check: (t: any) => boolean = () => true) =>
    waitFor(
      async () => {
        const res = await getTx(id);
        return res.status === 200 && check(res.body) ? res.body : undefined;
      },
      { what },
    );
  const gone = (id: string, what: string) => waitFor(async () => (await getTx(id)).status === 404, { what });
  const pending = async (amount = 40): Promise<string> => {
    const { transaction_id: id } = await control('POST', `/items/${item.plaidId}/transactions/pending`, {
      amount,
    });
    await seen(id, 'the pending transaction');
    return id;
  };
  const post = (pendingId: string, body: Record<string, unknown> = {}) =>
    control<{ transaction_id: string }>(
      'POST',
      `/items/${item.plaidId}/transactions/${pendingId}/post`,
      body,
    );
  const spending = async (query: string) => {
    const res = await user.api.get(`/v1/insights/spending?${query}`, user.accessToken);
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    user = await signupAndLogin(new Api(), 'trust');
    stranger = await signupAndLogin(new Api(), 'trust-stranger');
    item = await syncedItem(user, 'ins_109508');
  });

  describe('user edits', () => {
    it('answers the effective fields beside Plaid’s, hides from the list unless includeHidden, and null clears', async () => {
      const [t] = await allTransactions(user, `itemId=${item.id}&pending=false`);

      const edited = await patch(user, t.id, {
        category: 'TRAVEL_FLIGHTS',
        note: 'conference',
        displayName: 'Flight',
        hidden: true,
      });
      const listed = (await allTransactions(user, `itemId=${item.id}`)).map((x) => x.id);
      const withHidden = (await allTransactions(user, `itemId=${item.id}&includeHidden=true`)).map(
        (x) => x.id,
      );
      const cleared = await patch(user, t.id, { category: null, hidden: null });

      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({
        id: t.id,
        category: { primary: 'TRAVEL', detailed: 'TRAVEL_FLIGHTS' },
        plaidCategory: t.plaidCategory,
        note: 'conference',
        displayName: 'Flight',
        hidden: true,
        excludeFromSpending: false,
        transferPairId: null,
      });
      expect(listed).not.toContain(t.id);
      expect(withHidden).toContain(t.id);
      expect(cleared.body).toMatchObject({ category: t.plaidCategory, hidden: false, note: 'conference' });
    });

    it('answers 400 in the error shape for an unknown category or a transferPairId other than null', async () => {
      const [t] = await allTransactions(user, `itemId=${item.id}`);

      const unknown = await patch(user, t.id, { category: 'FOOD' });
      const pair = await patch(user, t.id, { transferPairId: randomUUID() });
      const extra = await patch(user, t.id, { amount: 1 });

      for (const res of [unknown, pair, extra]) {
        expect(res.status).toBe(400);
        expectErrorShape(res.body, 400, 'VALIDATION_FAILED');
      }
    });

    it('answers 404 for another user’s transaction, and lists the category vocabulary', async () => {
      const [t] = await allTransactions(user, `itemId=${item.id}`);

      const foreign = await patch(stranger, t.id, { note: 'mine' });
      const foreignGet = await stranger.api.get(`/v1/transactions/${t.id}`, stranger.accessToken);
      const categories = await new Api().get('/v1/categories');

      expect(foreign.status).toBe(404);
      expectErrorShape(foreign.body, 404, 'NOT_FOUND');
      expect(foreignGet.status).toBe(404);
      expect(categories.status).toBe(200);
      expect(categories.body.data).toContainEqual({
        primary: 'FOOD_AND_DRINK',
        detailed: expect.arrayContaining(['FOOD_AND_DRINK_COFFEE']),
      });
    });

    it('shows the edit to delta clients and on the event stream (transactions.changed)', async () => {
      const [t] = await allTransactions(user, `itemId=${item.id}`);
      const start = await user.api.get('/v1/transactions/changes?limit=500', user.accessToken);
      let cursor = start.body.nextCursor;
      for (let more = start.body.hasMore; more;) {
        const next = await user.api.get(
          `/v1/transactions/changes?limit=500&cursor=${cursor}`,
          user.accessToken,
        );
        cursor = next.body.nextCursor;
        more = next.body.hasMore;
      }
      const stream = await EventStreamClient.open(runInfo().gateways[0], { token: user.accessToken });
      try {
        await waitFor(() => stream.retry !== undefined, { what: 'the stream to open' });
        const from = stream.events.length;

        await patch(user, t.id, { note: 'seen by the replica' });

        const event = await stream.next(
          (e) => e.event === 'transactions.changed' && e.data.itemId === item.id && e.data.modified === 1,
          'the edit',
          from,
        );
        const delta = await user.api.get(`/v1/transactions/changes?cursor=${cursor}`, user.accessToken);
        expect(delta.body.modified).toContainEqual(
          expect.objectContaining({ id: t.id, note: 'seen by the replica' }),
        );
        expect(event.data.cursor).toEqual(expect.any(String));
      } finally {
        stream.close();
      }
    });

    it('keeps an edit when the pending transaction posts on the same page, with a tip that changes the amount', async () => {
      const id = await pending(40);
      await patch(user, id, {
        note: 'dinner with Sam',
        category: 'FOOD_AND_DRINK_RESTAURANT',
        displayName: 'Dinner',
      });

      const posted = await post(id, { amount: 48 });

      const t = await seen(posted.transaction_id, 'the posted transaction', (x) => x.pending === false);
      await gone(id, 'the pending one to go');
      expect(t).toMatchObject({
        amount: 48,
        pendingTransactionId: id,
        note: 'dinner with Sam',
        displayName: 'Dinner',
        category: { primary: 'FOOD_AND_DRINK', detailed: 'FOOD_AND_DRINK_RESTAURANT' },
      });
    });

    it('keeps an edit when the pending removal and the posted one arrive on two pages, in either order', async () => {
      const [a, b] = [await pending(12), await pending(13)];
      await patch(user, a, { note: 'removed first' });
      await patch(user, b, { note: 'posted first' });

      const postedA = await post(a, { split_pages: 'removed-first', page_size: 500 });
      const first = await seen(postedA.transaction_id, 'the posted one (removed first)');
      const postedB = await post(b, { split_pages: 'posted-first', page_size: 500 });
      const second = await seen(postedB.transaction_id, 'the posted one (posted first)');
      await gone(b, 'the second pending one to go');

      expect(first.note).toBe('removed first');
      expect(second.note).toBe('posted first');
    });

    it('keeps an edit through a modified update from Plaid that lands in a restarted sync', async () => {
      const posted = await post(await pending(19), {});
      await seen(posted.transaction_id, 'the posted transaction');
      await patch(user, posted.transaction_id, { note: 'keep me', excludeFromSpending: true });
      await quiescent(item.plaidId);
      await control('POST', '/failures', {
        endpoint: '/transactions/sync',
        item_id: item.plaidId,
        http_status: 400,
        error_type: 'TRANSACTIONS_ERROR',
        error_code: 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION',
        times: 1,
      });

      const mutation = await control('POST', `/items/${item.plaidId}/transactions/mutate`, { modify: 1 });

      expect(mutation.modified).toEqual([posted.transaction_id]);
      const t = await seen(posted.transaction_id, 'the modified amount', (x) => x.amount === 20);
      expect(t).toMatchObject({ note: 'keep me', excludeFromSpending: true });
    });

    it('leaves the edit with the pending id when the posted one does not name it (no guessing)', async () => {
      const id = await pending(21);
      await patch(user, id, { note: 'cannot follow' });

      const posted = await post(id, { with_pending_transaction_id: false });

      const t = await seen(posted.transaction_id, 'the posted transaction');
      await gone(id, 'the pending one to go');
      const [edit] = await db(
        'SELECT orphaned_at FROM sync.transaction_edits WHERE plaid_transaction_id = $1',
        [id],
      );
      expect(t).toMatchObject({ note: null, pendingTransactionId: null });
      expect(edit.orphaned_at).not.toBeNull();
    });

    it('leaves no trace of a pending transaction that vanishes', async () => {
      const id = await pending(33.33);
      const before = await spending('groupBy=merchant');

      await control('POST', `/items/${item.plaidId}/transactions/${id}/vanish`, {});

      await gone(id, 'the vanished pending transaction');
      const listed = await allTransactions(user, `includeHidden=true`);
      const after = await spending('groupBy=merchant');
      const changes = await user.api.get('/v1/transactions/changes?limit=500', user.accessToken);
      expect(listed.map((t) => t.id)).not.toContain(id);
      expect(before.groups).toContainEqual(expect.objectContaining({ key: 'The Corner Bistro' }));
      const bistro = (s: any) => s.groups.find((g: any) => g.key === 'The Corner Bistro')?.count ?? 0;
      expect(bistro(after)).toBe(bistro(before) - 1);
      expect(changes.body.added.map((t: any) => t.id)).not.toContain(id);
    });
  });

  describe('rules', () => {
    it('applies a rule to incoming transactions, and the user’s edit beats it', async () => {
      const created = await user.api.post(
        '/v1/rules',
        {
          name: 'Bistro is a treat',
          priority: 10,
          match: { merchantName: 'the corner bistro', amountMin: 70 },
          set: { category: 'ENTERTAINMENT_OTHER_ENTERTAINMENT', displayName: 'Treat' },
        },
        user.accessToken,
      );
      expect(created.status).toBe(201);

      const id = await pending(75);
      const ruled = await seen(id, 'the rule applied', (t) => t.displayName === 'Treat');
      const edited = await patch(user, id, { category: 'FOOD_AND_DRINK_RESTAURANT' });
      const posted = await post(id, {});
      const after = await seen(posted.transaction_id, 'the posted one');

      expect(ruled.category).toEqual({
        primary: 'ENTERTAINMENT',
        detailed: 'ENTERTAINMENT_OTHER_ENTERTAINMENT',
      });
      expect(ruled.plaidCategory).toEqual({
        primary: 'FOOD_AND_DRINK',
        detailed: 'FOOD_AND_DRINK_RESTAURANT',
      });
      expect(edited.body).toMatchObject({
        category: { detailed: 'FOOD_AND_DRINK_RESTAURANT' },
        displayName: 'Treat',
      });
      expect(after).toMatchObject({
        category: { detailed: 'FOOD_AND_DRINK_RESTAURANT' },
        displayName: 'Treat',
      });
    });

    it('applies to existing transactions when asked, and lists, changes and deletes rules', async () => {
      // One the earlier tests left alone (one of them carries the user's own excludeFromSpending, which beats rules).
      const [t] = (await allTransactions(user, `itemId=${item.id}&pending=false&minAmount=1`)).filter(
        (x) => x.note === null && x.displayName === null && !x.excludeFromSpending,
      );
      const name = t.merchantName ?? t.name;

      const created = await user.api.post(
        '/v1/rules',
        {
          name: 'Exclude',
          match: t.merchantName ? { merchantName: name } : { nameContains: name },
          set: { excludeFromSpending: true },
          applyToExisting: true,
        },
        user.accessToken,
      );
      const applied = await getTx(t.id);
      const changed = await user.api.request('PATCH', `/v1/rules/${created.body.id}`, {
        body: { priority: 1 },
        token: user.accessToken,
      });
      const list = await user.api.get('/v1/rules', user.accessToken);
      const deleted = await user.api.request('DELETE', `/v1/rules/${created.body.id}?applyToExisting=true`, {
        token: user.accessToken,
      });
      const restored = await getTx(t.id);
      const foreign = await stranger.api.request('DELETE', `/v1/rules/${list.body.data[0].id}`, {
        token: stranger.accessToken,
      });
      const invalid = await user.api.post('/v1/rules', { name: 'x', match: {}, set: {} }, user.accessToken);

      expect(applied.body.excludeFromSpending).toBe(true);
      expect(changed.body).toMatchObject({ priority: 1, set: { excludeFromSpending: true } });
      expect(list.body.data.map((r: any) => r.id)).toContain(created.body.id);
      expect(deleted.status).toBe(204);
      expect(restored.body.excludeFromSpending).toBe(false);
      expect(foreign.status).toBe(404);
      expectErrorShape(invalid.body, 400, 'VALIDATION_FAILED');
    });
  });

  describe('transfers and spending', () => {
    it('pairs a transfer between two accounts, leaves it out of spending, and an unpairing survives sync', async () => {
      const transfer = await control('POST', `/items/${item.plaidId}/transactions/transfer`, {
        amount: 321.5,
      });
      const out = await seen(transfer.out, 'the transfer paired', (t) => t.transferPairId !== null);
      const into = await seen(transfer.in, 'both halves paired', (t) => t.transferPairId !== null);
      const day = out.date < into.date ? out.date : into.date;
      const range = `from=${day}&to=${into.date > out.date ? into.date : out.date}`;

      // The oracle: what the list shows, minus what spending leaves out.
      const expected = async () => {
        const rows = (await allTransactions(user, range)).filter(
          (t) => !t.excludeFromSpending && !t.transferPairId,
        );
        return rows.length;
      };
      const paired = await spending(`groupBy=category&${range}`);
      const pairedExpected = await expected();
      await patch(user, transfer.in, { transferPairId: null });
      await control('POST', `/items/${item.plaidId}/transactions/mutate`, { add: 1 });
      await quiescent(item.plaidId);
      const unpaired = await spending(`groupBy=category&${range}`);
      const count = (s: any) => s.totals.reduce((n: number, t: any) => n + t.count, 0);

      expect(out.transferPairId).toBe(into.transferPairId);
      expect(count(paired)).toBe(pairedExpected);
      expect((await getTx(transfer.out)).body.transferPairId).toBeNull();
      expect((await getTx(transfer.in)).body.transferPairId).toBeNull();
      expect(count(unpaired)).toBe(await expected());
      expect(count(unpaired)).toBeGreaterThanOrEqual(count(paired) + 2);
    });

    it('groups by month and merchant per currency, and answers 4xx for bad input', async () => {
      const byMonth = await spending('groupBy=month');
      const badGroup = await user.api.get('/v1/insights/spending?groupBy=week', user.accessToken);
      const badRange = await user.api.get(
        '/v1/insights/spending?from=2026-02-01&to=2026-01-01',
        user.accessToken,
      );
      const foreign = await stranger.api.get(`/v1/insights/spending?itemId=${item.id}`, stranger.accessToken);

      expect(byMonth.groups.every((g: any) => /^\d{4}-\d{2}$/.test(g.key) && g.currency === 'USD')).toBe(
        true,
      );
      expect(byMonth.totals).toEqual([expect.objectContaining({ currency: 'USD' })]);
      expectErrorShape(badGroup.body, 400, 'VALIDATION_FAILED');
      expectErrorShape(badRange.body, 400, 'VALIDATION_FAILED');
      expectErrorShape(foreign.body, 404, 'NOT_FOUND');
    });
  });

  describe('recurring streams', () => {
    it('fetches Plaid’s recurring streams after a sync and on RECURRING_TRANSACTIONS_UPDATE', async () => {
      const series = await control<Record<string, string[]>>(
        'POST',
        `/items/${item.plaidId}/transactions/recurring`,
        {},
      );
      await waitListed(user, item.id, series.rent, 'the recurring history');

      const recurring = await waitFor(
        async () => {
          const res = await user.api.get(`/v1/recurring?itemId=${item.id}`, user.accessToken);
          return res.status === 200 && res.body.outflows.some((s: any) => s.merchantName === 'Spotify')
            ? res.body
            : undefined;
        },
        { what: 'the recurring streams' },
      );
      const byMerchant = Object.fromEntries(
        [...recurring.inflows, ...recurring.outflows].map((s: any) => [s.merchantName, s]),
      );

      expect(recurring.inflows.map((s: any) => s.merchantName)).toEqual(['Acme Corp']);
      expect(byMerchant['Acme Corp']).toMatchObject({
        frequency: 'BIWEEKLY',
        status: 'MATURE',
        averageAmount: -2450,
      });
      expect(byMerchant['Acme Properties']).toMatchObject({
        frequency: 'MONTHLY',
        status: 'MATURE',
        isActive: true,
        lastAmount: 1850,
        category: { primary: 'RENT_AND_UTILITIES', detailed: 'RENT_AND_UTILITIES_RENT' },
        predictedNextDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
      expect([...byMerchant['Acme Properties'].transactionIds].sort()).toEqual([...series.rent].sort());
      expect(byMerchant['Blue Bottle Coffee'].frequency).toBe('WEEKLY');
      expect(byMerchant.Spotify).toMatchObject({ status: 'TOMBSTONED', isActive: false });
    });

    it('takes the user’s edit of a stream’s latest transaction as the stream’s category', async () => {
      const [latest] = await db<{ id: string }>(
        `SELECT t.plaid_transaction_id AS id FROM sync.transactions t
          WHERE t.item_id = $1 AND t.merchant_name = 'Blue Bottle Coffee' ORDER BY t.date DESC LIMIT 1`,
        [item.id],
      );
      await patch(user, latest.id, { category: 'FOOD_AND_DRINK_RESTAURANT' });

      const res = await user.api.get(`/v1/recurring?itemId=${item.id}`, user.accessToken);

      const coffee = res.body.outflows.find((s: any) => s.merchantName === 'Blue Bottle Coffee');
      expect(coffee.category).toEqual({ primary: 'FOOD_AND_DRINK', detailed: 'FOOD_AND_DRINK_RESTAURANT' });
    });

    it('records PRODUCT_NOT_ENABLED once and does not ask again after later syncs', async () => {
      const other = await syncedItem(user, 'ins_109509');
      const calls = async () =>
        (await control('GET', `/calls?item_id=${other.plaidId}&endpoint=/transactions/recurring/get`)).total;
      await control('POST', `/items/${other.plaidId}/recurring`, { unavailable: 'PRODUCT_NOT_ENABLED' });

      await control('POST', `/items/${other.plaidId}/transactions/mutate`, { add: 1 });
      await waitFor(
        async () =>
          (await db('SELECT recurring_status FROM sync.items WHERE item_id = $1', [other.id]))[0]
            ?.recurring_status === 'PRODUCT_NOT_ENABLED',
        { what: 'the recorded product error' },
      );
      const asked = await calls();
      await control('POST', `/items/${other.plaidId}/transactions/mutate`, { add: 1 });
      await quiescent(other.plaidId);
      const foreign = await stranger.api.get(`/v1/recurring?itemId=${other.id}`, stranger.accessToken);
      const empty = await user.api.get(`/v1/recurring?itemId=${other.id}`, user.accessToken);

      expect(await calls()).toBe(asked);
      expectErrorShape(foreign.body, 404, 'NOT_FOUND');
      expect(empty.body).toEqual({ inflows: [], outflows: [] });
    });
  });
});
