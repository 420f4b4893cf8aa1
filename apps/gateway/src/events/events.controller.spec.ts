import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Logger, ValidationPipe } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { loadConfig } from '@app/common';
import {
  BroadcastEvent,
  DomainError,
  ErrorCode,
  type FeedSinceRequest,
  MessagePattern as P,
  type StreamTicketIssueRequest,
  type StreamTicketRedeemRequest,
} from '@app/contracts';
import { AmqpConnection, MessagingModule, type RpcClient } from '@app/messaging';
import { strictMock } from '@app/testing';
import { type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { JWT_AUDIENCE, JWT_ISSUER } from '../auth/jwt.strategy';
import { RevocationsService } from '../auth/revocations.service';
import { GatewayConfig, AppConfigModule } from '../config';
import { ErrorsModule } from '../errors/errors.module';
import { applyBrowserSecurity } from '../http/browser-security';
import { Rpc } from '../rpc/rpc';
import { rpcOver } from '../rpc/rpc-spec-support';
import { EventStreamsService } from './event-streams.service';
import { EventsModule } from './events.module';

type Setup = (ch: ConfirmChannel) => Promise<unknown>;

const SECRET = 'spec-secret-spec-secret-spec-secret-0123';
const ORIGIN = 'https://app.example.test';

const waitFor = async (check: () => boolean, timeoutMs = 2000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

function accessToken(user: { userId: string; sessionId: string }): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = { sub: user.userId, sid: user.sessionId, typ: 'access', iss: JWT_ISSUER, aud: JWT_AUDIENCE };
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ ...claims, iat: now, exp: now + 900 })}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

// An open text/event-stream response, read as it arrives.
interface OpenStream {
  status: number;
  headers: Headers;
  text: () => string;
  ended: () => boolean;
  close: () => void;
}

// The HTTP edge of the event stream on a real Fastify server: the guard (ticket or bearer), the hijacked response
// and its headers, with auth's and plaid-link's RPCs and the broker faked.
describe('EventsController (HTTP)', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;
  const setups = new Map<string, Setup>();
  const deliveries = new Map<string, (msg: ConsumeMessage | null) => void>();
  // Ticket hashes auth holds, with their owner.
  const tickets = new Map<string, { userId: string; sessionId: string }>();
  const issued: StreamTicketIssueRequest[] = [];
  const feedCalls: FeedSinceRequest[] = [];
  const opened: OpenStream[] = [];

  const fakeChannel = (name: string): ConfirmChannel => {
    const channel = strictMock<ConfirmChannel>('ConfirmChannel', {
      once: (() => channel) as unknown as ConfirmChannel['once'],
      assertExchange: (async () => ({})) as unknown as ConfirmChannel['assertExchange'],
      assertQueue: async () => ({ queue: 'q', messageCount: 0, consumerCount: 0 }),
      bindQueue: (async () => ({})) as unknown as ConfirmChannel['bindQueue'],
      consume: async (_q: string, onMessage: (msg: ConsumeMessage | null) => void) => {
        deliveries.set(name, onMessage);
        return { consumerTag: 't' };
      },
    });
    return channel;
  };

  const broadcastUserEvent = (payload: object): void => {
    const deliver = [...deliveries].find(([name]) => name.includes('link.user-events'))![1];
    deliver({
      content: Buffer.from(JSON.stringify(payload)),
      properties: { type: BroadcastEvent.UserEvent },
    } as unknown as ConsumeMessage);
  };

  const auth = strictMock<RpcClient>('auth', {
    send: (async (pattern: P, request: unknown) => {
      if (pattern === P.AuthRevocationsList) return { revocations: [] };
      if (pattern === P.AuthStreamTicketIssue) {
        const r = request as StreamTicketIssueRequest;
        issued.push(r);
        tickets.set(r.ticketHash, { userId: r.userId, sessionId: r.sessionId });
        return { expiresIn: 30 };
      }
      if (pattern === P.AuthStreamTicketRedeem) {
        const { ticketHash } = request as StreamTicketRedeemRequest;
        const owner = tickets.get(ticketHash);
        tickets.delete(ticketHash);
        if (!owner) throw new DomainError(ErrorCode.Unauthorized, 'Authentication required');
        return owner;
      }
      throw new Error(`unexpected ${pattern}`);
    }) as unknown as RpcClient['send'],
  });
  const link = strictMock<RpcClient>('link', {
    send: (async (pattern: P, request: FeedSinceRequest) => {
      expect(pattern).toBe(P.FeedSince);
      feedCalls.push(request);
      const events = request.after === 3 ? [{ id: 4, event: 'item.removed', data: { itemId: 'i-4' } }] : [];
      return { head: 4, events, resyncRequired: false };
    }) as unknown as RpcClient['send'],
  });

  // A gateway with the events routes on a real Fastify server, its broadcast subscriptions set up.
  async function startApp(): Promise<NestFastifyApplication> {
    setups.clear();
    const config = loadConfig(GatewayConfig, {
      JWT_SECRET: SECRET,
      BROKER_SEALING_SECRET: 'y'.repeat(32),
      CORS_ORIGINS: ORIGIN,
    });
    const amqp = strictMock<AmqpConnection>('AmqpConnection', {
      channel: ((name: string, setup?: Setup) => {
        if (setup) setups.set(name, setup);
        return { close: async () => undefined };
      }) as unknown as AmqpConnection['channel'],
      isConnected: () => true,
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppConfigModule.forRoot(config),
        MessagingModule.forRoot({ url: config.RABBITMQ_URL }),
        ErrorsModule,
        EventsModule,
      ],
    })
      .overrideProvider(AmqpConnection)
      .useValue(amqp)
      .overrideProvider(Rpc)
      .useValue(rpcOver({ auth, link }))
      .compile();
    Logger.overrideLogger(false);
    const started = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    applyBrowserSecurity(started, config);
    started.useGlobalPipes(
      new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }),
    );
    await started.listen(0, '127.0.0.1');
    for (const [name, setup] of setups) await setup(fakeChannel(name));
    await waitFor(() => started.get(RevocationsService).isLoaded());
    return started;
  }

  beforeAll(async () => {
    app = await startApp();
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    opened.forEach((s) => s.close());
    await app?.close();
  });

  const user = (): { userId: string; sessionId: string } => ({
    userId: randomUUID(),
    sessionId: randomUUID(),
  });

  async function newTicket(owner: { userId: string; sessionId: string }): Promise<string> {
    const res = await fetch(`${baseUrl}/v1/events/ticket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken(owner)}` },
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { ticket: string }).ticket;
  }

  async function openStream(
    path: string,
    headers: Record<string, string> = {},
    url = baseUrl,
  ): Promise<OpenStream> {
    const abort = new AbortController();
    const res = await fetch(`${url}${path}`, { headers, signal: abort.signal });
    let text = '';
    let ended = false;
    const reader = res.body!.getReader();
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += Buffer.from(value).toString('utf8');
        }
      } catch {
        // aborted by the test
      }
      ended = true;
    })();
    const stream = {
      status: res.status,
      headers: res.headers,
      text: () => text,
      ended: () => ended,
      close: () => abort.abort(),
    };
    opened.push(stream);
    return stream;
  }

  it('issues a ticket whose SHA-256 alone goes to auth, bound to the caller', async () => {
    const owner = user();

    const ticket = await newTicket(owner);

    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.at(-1)).toEqual({
      ...owner,
      ticketHash: createHash('sha256').update(ticket).digest('hex'),
    });
  });

  it('opens the stream for a ticket, with the event-stream headers and those of every answer', async () => {
    const owner = user();
    const ticket = await newTicket(owner);

    const stream = await openStream(`/v1/events?ticket=${ticket}`, {
      origin: ORIGIN,
      'x-request-id': 'req-sse',
    });

    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    expect(stream.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    expect(stream.headers.get('x-request-id')).toEqual(expect.any(String));
    expect(stream.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(stream.headers.get('x-content-type-options')).toBe('nosniff');
    await waitFor(() => stream.text().startsWith('retry: 3000\n\n'));

    broadcastUserEvent({ ...owner, id: 5, event: 'accounts.changed', data: { itemId: 'i-5' } });

    await waitFor(() => stream.text().includes('id: 5\nevent: accounts.changed\ndata: {"itemId":"i-5"}\n\n'));
  });

  it('refuses a ticket the second time', async () => {
    const ticket = await newTicket(user());
    await openStream(`/v1/events?ticket=${ticket}`);

    const again = await fetch(`${baseUrl}/v1/events?ticket=${ticket}`);

    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ statusCode: 401, code: ErrorCode.Unauthorized });
  });

  it('opens the stream for a bearer token and resumes from the Last-Event-ID header', async () => {
    const owner = user();

    const stream = await openStream('/v1/events', {
      authorization: `Bearer ${accessToken(owner)}`,
      'last-event-id': '3',
    });

    expect(stream.status).toBe(200);
    await waitFor(() => stream.text().includes('id: 4\nevent: item.removed\n'));
    expect(feedCalls.at(-1)).toMatchObject({ userId: owner.userId, after: 3 });
  });

  it('resumes from ?lastEventId= for clients that cannot set the header', async () => {
    const owner = user();
    const ticket = await newTicket(owner);

    const stream = await openStream(`/v1/events?ticket=${ticket}&lastEventId=3`);

    await waitFor(() => stream.text().includes('id: 4\n'));
  });

  it('sends session.revoked and ends the stream when its session is logged out here', async () => {
    const owner = user();
    const stream = await openStream(`/v1/events?ticket=${await newTicket(owner)}`);
    await waitFor(() => stream.text().startsWith('retry: 3000'));

    app.get(RevocationsService).revokeLocally(owner.sessionId);

    await waitFor(() => stream.ended());
    expect(stream.text()).toMatch(/event: session\.revoked\ndata: \{\}\n\n$/);
    await waitFor(() => app.get(EventStreamsService).size() === opened.filter((s) => !s.ended()).length);
  });

  it('answers 401 in the one error shape with neither a ticket nor a bearer token', async () => {
    const res = await fetch(`${baseUrl}/v1/events`);

    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ statusCode: 401, code: ErrorCode.Unauthorized });
  });

  it('answers 401 for a well-formed ticket nobody issued, even with a good bearer token', async () => {
    const res = await fetch(`${baseUrl}/v1/events?ticket=${randomBytes(32).toString('base64url')}`, {
      headers: { authorization: `Bearer ${accessToken(user())}` },
    });

    expect(res.status).toBe(401);
  });

  it.each(['short', `${'a'.repeat(42)}!`, `${'a'.repeat(44)}`])(
    'answers 400 for the malformed ticket %p without echoing it',
    async (ticket) => {
      const res = await fetch(`${baseUrl}/v1/events?ticket=${encodeURIComponent(ticket)}`);

      expect(res.status).toBe(400);
      const body = await res.text();
      expect(JSON.parse(body)).toMatchObject({ statusCode: 400, code: ErrorCode.ValidationFailed });
      expect(body).not.toContain(ticket);
    },
  );

  it('answers 400 for a ticket given twice', async () => {
    const ticket = randomBytes(32).toString('base64url');

    const res = await fetch(`${baseUrl}/v1/events?ticket=${ticket}&ticket=${ticket}`);

    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain(ticket);
  });

  it('answers 401 for a ticket request without a bearer token', async () => {
    const res = await fetch(`${baseUrl}/v1/events/ticket`, { method: 'POST' });

    expect(res.status).toBe(401);
  });

  it('ends its open streams at shutdown without waiting for their clients', async () => {
    const closing = await startApp();
    const owner = user();
    const stream = await openStream(
      '/v1/events',
      { authorization: `Bearer ${accessToken(owner)}` },
      await closing.getUrl(),
    );
    await waitFor(() => stream.text().startsWith('retry: 3000'));
    const started = Date.now();

    await closing.close();

    expect(Date.now() - started).toBeLessThan(2000);
    await waitFor(() => stream.ended());
  });
});
