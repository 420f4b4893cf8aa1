import { Api, expectErrorShape, type LoggedInUser, runInfo, signupAndLogin, startExtra } from './support/api';
import { db } from './support/db';
import { EventStreamClient, type OpenOptions, StreamRefused } from './support/event-stream';
import { link, plaidItemId, waitHealthy } from './support/linking';
import { freePort } from './support/processes';
import { control } from './support/sandbox';
import { quiescent, syncedItem } from './support/sync';
import { waitFor } from './support/wait-for';

// The change feed end to end: real services, two gateway instances, the emulator driving the changes.
describe('change feed (GET /v1/events)', () => {
  const gateways = runInfo().gateways;
  let user: LoggedInUser;
  let stranger: LoggedInUser;
  const open: EventStreamClient[] = [];

  const stream = async (baseUrl: string, options: OpenOptions): Promise<EventStreamClient> => {
    const s = await EventStreamClient.open(baseUrl, options);
    open.push(s);
    return s;
  };

  const refusal = async (baseUrl: string, options: OpenOptions): Promise<StreamRefused> => {
    const err = await stream(baseUrl, options).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof StreamRefused)) throw new Error('the stream opened; expected a refusal');
    return err;
  };

  const ticket = async (who: LoggedInUser, baseUrl = gateways[0]): Promise<string> => {
    const res = await new Api(baseUrl).post('/v1/events/ticket', undefined, who.accessToken);
    expect(res.status).toBe(201);
    return res.body.ticket;
  };

  // The user's stored events (what a resume must replay), oldest first.
  const stored = (userId: string, after: number) =>
    db<{ seq: string; name: string }>(
      'SELECT seq, name FROM link.user_events WHERE user_id = $1 AND seq > $2 ORDER BY seq',
      [userId, after],
    );

  beforeAll(async () => {
    user = await signupAndLogin(new Api(), 'feed');
    stranger = await signupAndLogin(new Api(), 'feed-stranger');
  });

  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });

  describe('tickets', () => {
    it('opens a stream on another gateway once, and refuses the ticket after that', async () => {
      const res = await user.api.post('/v1/events/ticket', undefined, user.accessToken);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ ticket: expect.any(String), expiresIn: 30 });

      const s = await stream(gateways[1], { ticket: res.body.ticket });
      expect(s.response.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(s.response.headers['cache-control']).toMatch(/no-cache/);
      await waitFor(() => s.retry === 3000, { what: 'the retry hint' });

      const reused = await refusal(gateways[0], { ticket: res.body.ticket });
      expect(reused.status).toBe(401);
      expectErrorShape(reused.body, 401, 'UNAUTHORIZED');
    });

    // The refusals decided before any stream opens are in events-auth.e2e-spec.ts; these need the clock or a JWT.
    it('refuses an expired ticket and a bearer that is not a JWT', async () => {
      const expiring = await ticket(user);
      await db(`UPDATE auth.stream_tickets SET expires_at = now() - interval '1 second'`);
      expectErrorShape((await refusal(gateways[1], { ticket: expiring })).body, 401, 'UNAUTHORIZED');
      expectErrorShape((await refusal(gateways[0], { token: 'not.a.jwt' })).body, 401, 'UNAUTHORIZED');
    });
  });

  it('delivers a sync to every stream of the user on both gateways, in order, with a working cursor', async () => {
    const byBearer = await stream(gateways[0], { token: user.accessToken });
    const byTicket = await stream(gateways[1], { ticket: await ticket(user) });
    const strangers = await stream(gateways[1], { token: stranger.accessToken });

    const item = await link(user, { institutionId: 'ins_109508' });
    const synced = (e: { event: string; data: any }) =>
      e.event === 'transactions.changed' && e.data.itemId === item.id;
    const first = await byTicket.next(synced, 'the first sync');
    await byBearer.next(synced, 'the first sync (other gateway)');
    expect(first.data).toEqual({
      itemId: item.id,
      added: expect.any(Number),
      modified: expect.any(Number),
      removed: expect.any(Number),
      cursor: expect.any(String),
    });
    expect(first.data.added).toBeGreaterThan(0);
    await byTicket.next((e) => e.event === 'accounts.changed' && e.data.itemId === item.id, 'accounts');

    const healthy = await waitHealthy(user, item.id);
    await quiescent(await plaidItemId(item.id));
    // The last item.updated is the item as GET /v1/items/:id returns it.
    const latest = await waitFor(() => {
      const updates = byTicket.named('item.updated').filter((e) => e.data.item.id === item.id);
      const last = updates.at(-1)?.data.item;
      return last?.lastSyncedAt && last.status === 'healthy' ? last : undefined;
    });
    const now = await user.api.get(`/v1/items/${item.id}`, user.accessToken);
    expect(latest).toEqual(now.body);
    expect(healthy.id).toBe(item.id);

    // Both instances carry the same events, with ids increasing one by one.
    await waitFor(() => byBearer.events.length === byTicket.events.length, { what: 'both streams level' });
    expect(byBearer.ids()).toEqual(byTicket.ids());
    const ids = byTicket.ids();
    expect(ids.length).toBeGreaterThanOrEqual(3);
    ids.forEach((id, i) => i > 0 && expect(id).toBe(ids[i - 1] + 1));
    expect(byTicket.events.map((e) => e.event)).toEqual(byBearer.events.map((e) => e.event));

    // The cursor of the last sync is where the delta API stands right after it: nothing newer yet.
    const lastSync = byTicket.named('transactions.changed').at(-1)!;
    const delta = await user.api.get(
      `/v1/transactions/changes?cursor=${encodeURIComponent(lastSync.data.cursor)}`,
      user.accessToken,
    );
    expect(delta.status).toBe(200);
    expect(delta.body).toEqual(
      expect.objectContaining({ added: [], modified: [], removed: [], hasMore: false }),
    );

    // A change at the bank: the next event carries its counts, and its cursor's predecessor yields exactly it.
    const plaidId = await plaidItemId(item.id);
    const seen = byTicket.events.length;
    await control('POST', `/items/${plaidId}/transactions/mutate`, { add: 2, remove: 1, webhook: true });
    const next = await byTicket.next(synced, 'the sync after the change', seen);
    expect(next.data).toEqual(expect.objectContaining({ added: 2, removed: 1 }));
    const after = await user.api.get(
      `/v1/transactions/changes?cursor=${encodeURIComponent(lastSync.data.cursor)}`,
      user.accessToken,
    );
    expect(after.body.added).toHaveLength(2);
    expect(after.body.removed).toHaveLength(1);

    expect(strangers.events).toEqual([]);
  });

  it('replays what a client missed after Last-Event-ID, in order, then goes live', async () => {
    const item = await syncedItem(user, 'ins_109509');
    const first = await stream(gateways[0], { token: user.accessToken });
    await control('POST', `/items/${item.plaidId}/transactions/mutate`, { add: 1, webhook: true });
    const seen = await first.next((e) => e.event === 'transactions.changed', 'a live sync');
    first.close();
    const resumeFrom = seen.id!;

    await control('POST', `/items/${item.plaidId}/transactions/mutate`, { add: 1, remove: 1, webhook: true });
    const missed = await waitFor(
      async () => {
        const rows = await stored(user.id, resumeFrom);
        return rows.some((r) => r.name === 'transactions.changed') ? rows : undefined;
      },
      { what: 'the missed sync stored' },
    );

    const resumed = await stream(gateways[1], {
      ticket: await ticket(user),
      lastEventId: String(resumeFrom),
    });
    await waitFor(() => resumed.events.length >= missed.length, { what: 'the missed events replayed' });
    expect(resumed.events.slice(0, missed.length).map((e) => [e.id, e.event])).toEqual(
      missed.map((r) => [Number(r.seq), r.name]),
    );

    const replayed = resumed.events.length;
    await control('POST', `/items/${item.plaidId}/transactions/mutate`, { add: 1, webhook: true });
    await resumed.next((e) => e.event === 'transactions.changed', 'live after the replay', replayed);
    const ids = resumed.ids();
    expect(ids).toEqual(ids.map((_, i) => resumeFrom + 1 + i));
  });

  it('answers resync-required when Last-Event-ID is out of reach, then streams live', async () => {
    const head = async () =>
      Number(
        (
          await db('SELECT coalesce(max(seq), 0) AS head FROM link.user_events WHERE user_id = $1', [user.id])
        )[0].head,
      );
    for (const lastEventId of ['99999999', 'not-a-number']) {
      const s = await stream(gateways[0], { token: user.accessToken, lastEventId });
      const resync = await s.next(() => true, `the first event for Last-Event-ID ${lastEventId}`);
      expect(resync.event).toBe('resync-required');
      expect(resync.id).toBe(await head());
    }

    // Compaction took the oldest events: a client that stopped before them must start over.
    await db('DELETE FROM link.user_events WHERE user_id = $1 AND seq <= 2', [user.id]);
    const compacted = await stream(gateways[1], { token: user.accessToken, lastEventId: '1' });
    const resync = await compacted.next(() => true, 'the first event after compaction');
    expect(resync.event).toBe('resync-required');
    expect(compacted.events.filter((e) => e.event === 'resync-required')).toHaveLength(1);
  });

  it('ends the streams of a logged-out session on every gateway within 1.5 s, and no others', async () => {
    const again = await new Api().post('/v1/auth/login', { email: user.email, password: user.password });
    const session = again.body.accessToken as string;
    const onFirst = await stream(gateways[0], { token: session });
    const onSecond = await stream(gateways[1], { token: session });
    const byTicket = await stream(gateways[1], {
      ticket: await ticket({ ...user, accessToken: session }, gateways[1]),
    });
    const otherSession = await stream(gateways[1], { token: user.accessToken });
    await waitFor(() => [onFirst, onSecond, byTicket].every((s) => s.retry === 3000), {
      what: 'streams open',
    });

    const loggedOut = Date.now();
    expect((await new Api().post('/v1/auth/logout', undefined, session)).status).toBe(204);
    for (const s of [onFirst, onSecond, byTicket]) {
      const ended = await s.waitEnded();
      expect(ended - loggedOut).toBeLessThan(1500);
      expect(s.events.at(-1)?.event).toBe('session.revoked');
    }
    expect(otherSession.ended).toBe(false);
    expect(otherSession.named('session.revoked')).toEqual([]);
  });

  it('tells the streams when an item is removed', async () => {
    const item = await syncedItem(user, 'ins_109510');
    const s = await stream(gateways[1], { token: user.accessToken });
    await waitFor(() => s.retry === 3000, { what: 'stream open' });
    expect((await user.api.delete(`/v1/items/${item.id}`, user.accessToken)).status).toBe(204);
    const removed = await s.next((e) => e.event === 'item.removed', 'item.removed');
    expect(removed.data).toEqual({ itemId: item.id });
  });

  it('keeps an idle stream alive, caps streams per user, and ends them when the gateway stops', async () => {
    const port = await freePort();
    const extra = startExtra('gateway-0', {
      PORT: String(port),
      STREAM_KEEPALIVE_MS: '1000',
      STREAM_MAX_PER_USER: '2',
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    try {
      await waitFor(async () => (await new Api(baseUrl).get('/health/ready')).status === 200, {
        what: 'the extra gateway ready',
        timeoutMs: 30_000,
      });
      const streams = [
        await stream(baseUrl, { token: user.accessToken }),
        await stream(baseUrl, { token: user.accessToken }),
      ];
      await waitFor(() => streams[0].comments.filter((c) => c === 'keep-alive').length >= 2, {
        what: 'two keep-alive comments',
      });
      const third = await refusal(baseUrl, { token: user.accessToken });
      expectErrorShape(third.body, 429, 'RATE_LIMITED');
      // Another user is not held to this user's cap.
      await stream(baseUrl, { token: stranger.accessToken });

      // Open streams do not hold the drain: the gateway exits 0 on SIGTERM, before the test's SIGKILL fallback.
      await extra.stop();
      expect(extra.exitCode).toBe(0);
      for (const s of streams) await s.waitEnded();
    } finally {
      await extra.stop();
    }
  });
});
