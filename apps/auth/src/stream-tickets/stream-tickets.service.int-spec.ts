import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ErrorCode } from '@app/contracts';
import { type ServiceTest, type TestDatabase } from '@app/testing';
import { authServiceTest, resetAuthTables } from '../spec-support';
import { SessionsModule } from '../sessions/sessions.module';
import { SessionsService } from '../sessions/sessions.service';
import { StreamTicketsModule } from './stream-tickets.module';
import { StreamTicketsService } from './stream-tickets.service';

const CAP = 3;
const TTL = 30;

// As the gateway draws one: 32 random bytes; auth only ever sees the SHA-256 hex.
const newTicketHash = (): string =>
  createHash('sha256').update(randomBytes(32).toString('base64url')).digest('hex');

describe(StreamTicketsService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<StreamTicketsService>;
  let sut: StreamTicketsService;
  let sessions: SessionsService;

  beforeAll(async () => {
    harness = await authServiceTest(StreamTicketsService, [StreamTicketsModule, SessionsModule], {
      config: { STREAM_TICKETS_PER_SESSION: CAP, STREAM_TICKET_TTL_SECONDS: TTL },
    });
    db = harness.db;
    sut = harness.sut;
    sessions = harness.get(SessionsService);
  });

  afterAll(() => harness?.close());

  beforeEach(async () => {
    await resetAuthTables(db);
  });

  async function newSession(): Promise<{ userId: string; sessionId: string }> {
    const rows = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id`,
      [`u${randomUUID()}@example.test`],
    );
    const userId = rows[0].id;
    const { sessionId } = await sessions.start(userId);
    return { userId, sessionId };
  }

  const unauthorized = { code: ErrorCode.Unauthorized };

  it('redeems a ticket once, for the user and session it was issued to', async () => {
    const owner = await newSession();
    const ticketHash = newTicketHash();

    await expect(sut.issue({ ...owner, ticketHash })).resolves.toEqual({ expiresIn: TTL });

    await expect(sut.redeem(ticketHash)).resolves.toEqual(owner);
    await expect(sut.redeem(ticketHash)).rejects.toMatchObject(unauthorized);
  });

  it('refuses a ticket nobody issued', async () => {
    await expect(sut.redeem(newTicketHash())).rejects.toMatchObject(unauthorized);
  });

  it('refuses an expired ticket, and consumes it', async () => {
    const owner = await newSession();
    const ticketHash = newTicketHash();
    await sut.issue({ ...owner, ticketHash });
    await db.dataSource.query(
      `UPDATE stream_tickets SET expires_at = now() - interval '1 second' WHERE ticket_hash = $1`,
      [ticketHash],
    );

    await expect(sut.redeem(ticketHash)).rejects.toMatchObject(unauthorized);
    expect(await db.dataSource.query(`SELECT 1 FROM stream_tickets`)).toEqual([]);
  });

  it('stores the ticket to expire after the configured time', async () => {
    const owner = await newSession();
    const ticketHash = newTicketHash();

    await sut.issue({ ...owner, ticketHash });

    const [{ seconds }] = await db.dataSource.query<{ seconds: number }[]>(
      `SELECT extract(epoch FROM expires_at - now())::float AS seconds FROM stream_tickets`,
    );
    expect(seconds).toBeGreaterThan(TTL - 5);
    expect(seconds).toBeLessThanOrEqual(TTL);
  });

  it('refuses the ticket of a session logged out after it was issued', async () => {
    const owner = await newSession();
    const ticketHash = newTicketHash();
    await sut.issue({ ...owner, ticketHash });

    await sessions.logout(owner.userId, owner.sessionId);

    await expect(sut.redeem(ticketHash)).rejects.toMatchObject(unauthorized);
  });

  it('refuses the ticket of a session that expired after it was issued', async () => {
    const owner = await newSession();
    const ticketHash = newTicketHash();
    await sut.issue({ ...owner, ticketHash });
    await db.dataSource.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      owner.sessionId,
    ]);

    await expect(sut.redeem(ticketHash)).rejects.toMatchObject(unauthorized);
  });

  it('issues no ticket for a revoked session', async () => {
    const owner = await newSession();
    await sessions.logout(owner.userId, owner.sessionId);

    await expect(sut.issue({ ...owner, ticketHash: newTicketHash() })).rejects.toMatchObject(unauthorized);
    expect(await db.dataSource.query(`SELECT 1 FROM stream_tickets`)).toEqual([]);
  });

  it("issues no ticket bound to another user's session", async () => {
    const owner = await newSession();
    const stranger = await newSession();

    await expect(
      sut.issue({ userId: stranger.userId, sessionId: owner.sessionId, ticketHash: newTicketHash() }),
    ).rejects.toMatchObject(unauthorized);
  });

  it('answers RateLimited past the per-session cap of outstanding tickets, and not for another session', async () => {
    const busy = await newSession();
    const hashes = Array.from({ length: CAP }, newTicketHash);
    for (const ticketHash of hashes) await sut.issue({ ...busy, ticketHash });

    await expect(sut.issue({ ...busy, ticketHash: newTicketHash() })).rejects.toMatchObject({
      code: ErrorCode.RateLimited,
      retryAfterSeconds: TTL,
    });
    const other = await newSession();
    await expect(sut.issue({ ...other, ticketHash: newTicketHash() })).resolves.toEqual({ expiresIn: TTL });
  });

  it('counts concurrent issues for one session against the cap', async () => {
    const busy = await newSession();

    const outcomes = await Promise.allSettled(
      Array.from({ length: CAP + 3 }, () => sut.issue({ ...busy, ticketHash: newTicketHash() })),
    );

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(CAP);
  });

  it('frees a place under the cap once a ticket is redeemed or expired', async () => {
    const busy = await newSession();
    const hashes = Array.from({ length: CAP }, newTicketHash);
    for (const ticketHash of hashes) await sut.issue({ ...busy, ticketHash });

    await sut.redeem(hashes[0]);
    await db.dataSource.query(
      `UPDATE stream_tickets SET expires_at = now() - interval '1 second' WHERE ticket_hash = $1`,
      [hashes[1]],
    );

    await expect(sut.issue({ ...busy, ticketHash: newTicketHash() })).resolves.toEqual({ expiresIn: TTL });
    await expect(sut.issue({ ...busy, ticketHash: newTicketHash() })).resolves.toEqual({ expiresIn: TTL });
    await expect(sut.issue({ ...busy, ticketHash: newTicketHash() })).rejects.toMatchObject({
      code: ErrorCode.RateLimited,
    });
  });
});
