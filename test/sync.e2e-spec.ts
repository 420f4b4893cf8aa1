import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { MessagePattern } from '@app/contracts';
import { Api, expectErrorShape, type LoggedInUser, runInfo, signupAndLogin, startExtra } from './support/api';
import { db } from './support/db';
import { control } from './support/sandbox';
import { allTransactions, quiescent, syncCalls, syncedItem, waitListed, waitStored } from './support/sync';
import { waitFor } from './support/wait-for';

describe('transactions sync', () => {
  let user: LoggedInUser;
  let other: LoggedInUser;

  beforeAll(async () => {
    user = await signupAndLogin(new Api(), 'syncer');
    other = await signupAndLogin(new Api(), 'stranger');
  });

  it('pulls the whole history after linking, exactly once per transaction', async () => {
    const item = await syncedItem(user, 'ins_109508');
    const summary = await control('GET', `/items/${item.plaidId}`);
    const txs = await allTransactions(user, `itemId=${item.id}`);
    expect(txs).toHaveLength(summary.transaction_count);
    expect(new Set(txs.map((t) => t.id)).size).toBe(txs.length);
    expect(txs.filter((t) => t.pending)).toHaveLength(summary.pending_count);
    const t = txs[0];
    expect(Object.keys(t).sort()).toEqual(
      [
        'accountId',
        'amount',
        'authorizedDate',
        'category',
        'date',
        'datetime',
        'id',
        'isoCurrencyCode',
        'itemId',
        'logoUrl',
        'merchantName',
        'name',
        'paymentChannel',
        'pending',
        'pendingTransactionId',
        'plaidCategory',
        'note',
        'hidden',
        'excludeFromSpending',
        'displayName',
        'transferPairId',
      ].sort(),
    );
    expect(t.itemId).toBe(item.id);
    expect(typeof t.amount).toBe('number');
    expect(t.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Newest first.
    const dates = txs.map((x) => x.date);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('applies added, modified and removed transactions announced by a webhook', async () => {
    const item = await syncedItem(user, 'ins_109509');
    const before = new Map((await allTransactions(user, `itemId=${item.id}`)).map((t) => [t.id, t]));
    const change = await control('POST', `/items/${item.plaidId}/transactions/mutate`, {
      add: 4,
      modify: 3,
      remove: 2,
      webhook: true,
    });
    await waitFor(
      async () => {
        const now = new Map((await allTransactions(user, `itemId=${item.id}`)).map((t) => [t.id, t]));
        return change.added.every((id: string) => now.has(id)) &&
          change.removed.every((id: string) => !now.has(id))
          ? now
          : undefined;
      },
      { what: 'the mutation to be synced' },
    ).then((now) => {
      expect(now.size).toBe(before.size + 4 - 2);
      const changedOnes = change.modified.filter((id: string) => now.has(id));
      expect(
        changedOnes.some((id: string) => JSON.stringify(now.get(id)) !== JSON.stringify(before.get(id))),
      ).toBe(true);
    });
    const summary = await control('GET', `/items/${item.plaidId}`);
    const [{ n }] = await db<{ n: string }>(
      'SELECT count(*) AS n FROM sync.transactions WHERE item_id = $1',
      [item.id],
    );
    expect(Number(n)).toBe(summary.transaction_count);
  });

  it('turns a pending transaction into its posted one, linked by pendingTransactionId', async () => {
    const item = await syncedItem(user, 'ins_109510');
    const change = await control('POST', `/items/${item.plaidId}/transactions/mutate`, {
      postPending: 1,
      webhook: true,
    });
    expect(change.posted).toHaveLength(1);
    const [{ pending_transaction_id: pendingId, transaction_id: postedId }] = change.posted;
    const posted = await waitFor(
      async () => (await allTransactions(user, `itemId=${item.id}`)).find((t) => t.id === postedId),
      { what: 'the posted transaction' },
    );
    expect(posted.pending).toBe(false);
    expect(posted.pendingTransactionId).toBe(pendingId);
    expect((await allTransactions(user, `itemId=${item.id}`)).some((t) => t.id === pendingId)).toBe(false);
  });

  it('restarts from the first cursor when the data changes during pagination', async () => {
    const item = await syncedItem(user, 'ins_109511');
    const before = await syncCalls(item.plaidId);
    await control('POST', '/failures', {
      endpoint: '/transactions/sync',
      item_id: item.plaidId,
      http_status: 400,
      error_type: 'TRANSACTIONS_ERROR',
      error_code: 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION',
      times: 1,
    });
    const change = await control('POST', `/items/${item.plaidId}/transactions/mutate`, {
      add: 2,
      webhook: true,
    });
    await waitListed(user, item.id, change.added, 'the sync to succeed after its restart');
    expect(await syncCalls(item.plaidId)).toBeGreaterThanOrEqual(before + 2);
    const summary = await control('GET', `/items/${item.plaidId}`);
    expect((await allTransactions(user, `itemId=${item.id}`)).length).toBe(summary.transaction_count);
  });

  it('coalesces webhooks that arrive during a sync into exactly one follow-up sync', async () => {
    const item = await syncedItem(user, 'ins_109512');
    const rule = await control('POST', '/failures', {
      endpoint: '/transactions/sync',
      item_id: item.plaidId,
      delay_ms: 1500,
    });
    try {
      const before = await syncCalls(item.plaidId);
      await control('POST', `/items/${item.plaidId}/transactions/mutate`, { add: 1, webhook: true });
      // The first sync is now in flight (its Plaid call is held for 1.5 s): pile duplicates on top of it.
      await waitFor(async () => (await syncCalls(item.plaidId)) === before + 1, {
        what: 'the first sync call',
      });
      const duplicates = await Promise.all(
        Array.from({ length: 8 }, () =>
          control('POST', `/items/${item.plaidId}/webhook`, {
            webhook_type: 'TRANSACTIONS',
            webhook_code: 'SYNC_UPDATES_AVAILABLE',
            initial_update_complete: true,
            historical_update_complete: true,
          }),
        ),
      );
      expect(duplicates.every((d) => d.status === 200)).toBe(true);
      const total = await quiescent(item.plaidId);
      expect(total).toBe(before + 2);
    } finally {
      await control('DELETE', `/failures/${rule.id}`);
    }
    const summary = await control('GET', `/items/${item.plaidId}`);
    const [{ n, d }] = await db<{ n: string; d: string }>(
      'SELECT count(*) AS n, count(DISTINCT plaid_transaction_id) AS d FROM sync.transactions WHERE item_id = $1',
      [item.id],
    );
    expect(Number(n)).toBe(summary.transaction_count);
    expect(Number(d)).toBe(Number(n));
  });

  it('loses no webhook that lands while a run is ending: every announced transaction arrives', async () => {
    const item = await syncedItem(user, 'ins_117181');
    // Short held Plaid calls, and webhooks spaced so that some land mid-call, some between a run's last claim
    // and its unlock, some after it.
    const rule = await control('POST', '/failures', {
      endpoint: '/transactions/sync',
      item_id: item.plaidId,
      delay_ms: 120,
    });
    const added: string[] = [];
    try {
      for (let i = 0; i < 14; i++) {
        const change = await control('POST', `/items/${item.plaidId}/transactions/mutate`, {
          add: 1,
          webhook: true,
        });
        added.push(...change.added);
        await new Promise((r) => setTimeout(r, (i * 53) % 170));
      }
      await waitStored(item.id, added, 'every announced transaction');
    } finally {
      await control('DELETE', `/failures/${rule.id}`);
    }
    expect(added).toHaveLength(14);
  });

  it('queues a manual sync (202), refuses another within the minute (429), and 404s for others', async () => {
    const item = await syncedItem(user, 'ins_43');
    const first = await user.api.post(`/v1/items/${item.id}/sync`, undefined, user.accessToken);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ accepted: true });
    const second = await user.api.post(`/v1/items/${item.id}/sync`, undefined, user.accessToken);
    expect(second.status).toBe(429);
    expectErrorShape(second.body, 429, 'RATE_LIMITED');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    const theirs = await other.api.post(`/v1/items/${item.id}/sync`, undefined, other.accessToken);
    expect(theirs.status).toBe(404);
  });

  describe('GET /v1/transactions', () => {
    let item: { id: string; plaidId: string };
    let all: any[];

    beforeAll(async () => {
      item = await syncedItem(user, 'ins_116834');
      all = await allTransactions(user, `itemId=${item.id}`);
    });

    it('pages with a keyset cursor that stays correct while rows are added', async () => {
      const first = await user.api.get(`/v1/transactions?itemId=${item.id}&limit=25`, user.accessToken);
      expect(first.status).toBe(200);
      expect(first.body.data).toHaveLength(25);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const change = await control('POST', `/items/${item.plaidId}/transactions/mutate`, {
        add: 5,
        webhook: true,
      });
      await waitListed(user, item.id, change.added, 'the added rows');
      const seen = [...first.body.data];
      let cursor: string | null = first.body.nextCursor;
      while (cursor) {
        const page = await user.api.get(
          `/v1/transactions?itemId=${item.id}&limit=25&cursor=${encodeURIComponent(cursor)}`,
          user.accessToken,
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.data);
        cursor = page.body.nextCursor;
      }
      const ids = seen.map((t) => t.id);
      expect(new Set(ids).size).toBe(ids.length);
      // Everything that existed when paging started is seen exactly once.
      for (const t of all) expect(ids).toContain(t.id);
      all = await allTransactions(user, `itemId=${item.id}`);
    });

    it('answers each transaction as stored, field by field, as application/json', async () => {
      const res = await user.api.get(`/v1/transactions?itemId=${item.id}&limit=500`, user.accessToken);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const rows = await db(
        `SELECT plaid_transaction_id, account_id, item_id, amount, iso_currency_code, date::text AS date,
                authorized_date::text AS authorized_date, datetime, name, merchant_name, pending,
                pending_transaction_id, payment_channel, category_primary, category_detailed, logo_url
           FROM sync.transactions WHERE item_id = $1`,
        [item.id],
      );
      const stored = new Map(rows.map((r) => [r.plaid_transaction_id, r]));
      expect(res.body.data.length).toBeGreaterThan(0);
      for (const t of res.body.data) {
        const r = stored.get(t.id);
        expect(t).toEqual({
          id: r.plaid_transaction_id,
          accountId: r.account_id,
          itemId: r.item_id,
          amount: Number(r.amount),
          isoCurrencyCode: r.iso_currency_code,
          date: r.date,
          authorizedDate: r.authorized_date,
          datetime: r.datetime ? new Date(r.datetime).toISOString() : null,
          name: r.name,
          merchantName: r.merchant_name,
          pending: r.pending,
          pendingTransactionId: r.pending_transaction_id,
          paymentChannel: r.payment_channel,
          category:
            r.category_primary || r.category_detailed
              ? { primary: r.category_primary, detailed: r.category_detailed }
              : null,
          logoUrl: r.logo_url,
          // Nothing edited, no rule, no transfer: the effective category is Plaid's.
          plaidCategory:
            r.category_primary || r.category_detailed
              ? { primary: r.category_primary, detailed: r.category_detailed }
              : null,
          note: null,
          hidden: false,
          excludeFromSpending: false,
          displayName: null,
          transferPairId: null,
        });
      }
      // The sample covers the shapes that need care: a datetime, a category, a fractional amount.
      expect(res.body.data.some((t: any) => t.datetime !== null)).toBe(true);
      expect(res.body.data.some((t: any) => t.category !== null)).toBe(true);
      expect(res.body.data.some((t: any) => !Number.isInteger(t.amount))).toBe(true);
    });

    it("still answers the previous release's gateways: v1 of the list gives the same page as an object", async () => {
      const viaApi = await user.api.get(`/v1/transactions?itemId=${item.id}&limit=5`, user.accessToken);
      expect(viaApi.status).toBe(200);
      const connection = await amqp.connect(runInfo().rabbitmqUrl);
      try {
        const channel = await connection.createChannel();
        const id = randomUUID();
        let received: any;
        await channel.consume(
          'amq.rabbitmq.reply-to',
          (msg) => {
            if (msg?.properties.correlationId === id) received = JSON.parse(msg.content.toString());
          },
          { noAck: true },
        );
        channel.sendToQueue(
          `${runInfo().queuePrefix}sync.rpc`,
          Buffer.from(
            JSON.stringify({
              pattern: MessagePattern.TransactionsListV1,
              data: { userId: user.id, itemId: item.id, limit: 5 },
              id,
            }),
          ),
          { replyTo: 'amq.rabbitmq.reply-to', correlationId: id },
        );
        const answer = await waitFor(() => received, { what: 'the v1 reply' });
        expect(answer.err ?? null).toBeNull();
        expect(answer.response).toEqual(viaApi.body);
      } finally {
        await connection.close();
      }
    });

    it('filters by account, dates, pending, amount and text', async () => {
      const accountId = all[0].accountId;
      const byAccount = await allTransactions(user, `accountId=${accountId}`);
      expect(byAccount.length).toBe(all.filter((t) => t.accountId === accountId).length);

      const dates = [...new Set(all.map((t) => t.date))].sort();
      const from = dates[Math.floor(dates.length / 3)];
      const to = dates[Math.floor((2 * dates.length) / 3)];
      const inRange = await allTransactions(user, `itemId=${item.id}&from=${from}&to=${to}`);
      expect(inRange.length).toBe(all.filter((t) => t.date >= from && t.date <= to).length);
      expect(inRange.every((t) => t.date >= from && t.date <= to)).toBe(true);

      const pending = await allTransactions(user, `itemId=${item.id}&pending=true`);
      expect(pending.length).toBe(all.filter((t) => t.pending).length);
      const posted = await allTransactions(user, `itemId=${item.id}&pending=false`);
      expect(posted.length).toBe(all.filter((t) => !t.pending).length);

      const amounts = await allTransactions(user, `itemId=${item.id}&minAmount=10&maxAmount=100`);
      expect(amounts.length).toBe(all.filter((t) => t.amount >= 10 && t.amount <= 100).length);
      const income = await allTransactions(user, `itemId=${item.id}&maxAmount=-0.01`);
      expect(income.length).toBe(all.filter((t) => t.amount <= -0.01).length);

      const word = String(all.find((t) => t.merchantName)?.merchantName ?? all[0].name).split(' ')[0];
      const matching = await allTransactions(
        user,
        `itemId=${item.id}&search=${encodeURIComponent(word.toLowerCase())}`,
      );
      const expected = all.filter(
        (t) =>
          t.name.toLowerCase().includes(word.toLowerCase()) ||
          (t.merchantName ?? '').toLowerCase().includes(word.toLowerCase()),
      );
      expect(matching.length).toBe(expected.length);
      expect(matching.length).toBeGreaterThan(0);
      expect(
        (await allTransactions(user, `itemId=${item.id}&search=${encodeURIComponent('%_')}`)).length,
      ).toBe(0);
    });

    it('answers 400 VALIDATION_FAILED for bad parameters', async () => {
      for (const qs of [
        'limit=0',
        'limit=501',
        'from=yesterday',
        'to=2024-13-40',
        'pending=maybe',
        'minAmount=abc',
        'itemId=nope',
        'cursor=bm90IGEgY3Vyc29y',
        'from=2025-02-01&to=2025-01-01',
        'color=blue',
      ]) {
        const res = await user.api.get(`/v1/transactions?${qs}`, user.accessToken);
        expect({ qs, status: res.status }).toEqual({ qs, status: 400 });
        expectErrorShape(res.body, 400, 'VALIDATION_FAILED');
      }
      const defaults = await user.api.get('/v1/transactions', user.accessToken);
      expect(defaults.body.data.length).toBe(Math.min(50, defaults.body.data.length));
    });

    it("never shows another user's transactions, items or accounts", async () => {
      const theirs = await allTransactions(other);
      expect(theirs.some((t) => t.itemId === item.id)).toBe(false);
      expect((await other.api.get(`/v1/transactions?itemId=${item.id}`, other.accessToken)).status).toBe(404);
      expect(
        (await other.api.get(`/v1/transactions?accountId=${all[0].accountId}`, other.accessToken)).status,
      ).toBe(404);
    });
  });

  // Last: it replaces the run's sync worker.
  it('loses and doubles nothing when the worker is killed in the middle of a sync', async () => {
    const item = await syncedItem(user, 'ins_117650');
    const before = await syncCalls(item.plaidId);
    const rule = await control('POST', '/failures', {
      endpoint: '/transactions/sync',
      item_id: item.plaidId,
      delay_ms: 3000,
      times: 1,
    });
    const change = await control('POST', `/items/${item.plaidId}/transactions/mutate`, {
      add: 3,
      remove: 1,
      webhook: true,
    });
    await waitFor(async () => (await syncCalls(item.plaidId)) > before, { what: 'the sync to be in flight' });
    process.kill(runInfo().services['sync-worker'].pid!, 'SIGKILL');
    startExtra('sync-worker');
    try {
      await waitFor(
        async () => {
          const ids = new Set((await allTransactions(user, `itemId=${item.id}`)).map((t) => t.id));
          return (
            change.added.every((id: string) => ids.has(id)) &&
            change.removed.every((id: string) => !ids.has(id))
          );
        },
        { what: 'the interrupted sync to complete on the new worker', timeoutMs: 45_000 },
      );
    } finally {
      await control('DELETE', `/failures/${rule.id}`).catch(() => undefined);
    }
    const summary = await control('GET', `/items/${item.plaidId}`);
    const [{ n, d }] = await db<{ n: string; d: string }>(
      'SELECT count(*) AS n, count(DISTINCT plaid_transaction_id) AS d FROM sync.transactions WHERE item_id = $1',
      [item.id],
    );
    expect(Number(n)).toBe(summary.transaction_count);
    expect(Number(d)).toBe(Number(n));
  });
});
