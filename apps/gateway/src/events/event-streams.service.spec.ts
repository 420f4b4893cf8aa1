import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  BroadcastEvent,
  ErrorCode,
  type FeedEventDto,
  type FeedSinceRequest,
  type FeedSinceResponse,
  MessagePattern,
} from '@app/contracts';
import { AmqpConnection, type RpcClient } from '@app/messaging';
import { strictMock } from '@app/testing';
import { type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { RevocationsService } from '../auth/revocations.service';
import { APP_CONFIG, type GatewayConfig } from '../config';
import { Rpc } from '../rpc/rpc';
import { rpcOver } from '../rpc/rpc-spec-support';
import { type EventSink, FEED_PAGE_SIZE } from './event-stream';
import { EventStreamsService } from './event-streams.service';

type Setup = (ch: ConfirmChannel) => Promise<unknown>;

interface Frame {
  id?: string;
  event?: string;
  data?: unknown;
  comment?: string;
  retry?: string;
}

const waitFor = async (check: () => boolean, timeoutMs = 2000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

// An HTTP response as the stream sees it; `buffered` is what a test says the client left unread.
class FakeSink implements EventSink {
  readonly chunks: string[] = [];
  opened = false;
  ended = false;
  aborted = false;
  bufferedBytes = 0;
  private readonly closeListeners: (() => void)[] = [];

  open(): void {
    this.opened = true;
  }
  write(chunk: string): void {
    if (this.ended) throw new Error('write after end');
    this.chunks.push(chunk);
  }
  buffered(): number {
    return this.bufferedBytes;
  }
  end(): void {
    this.ended = true;
  }
  abort(): void {
    this.aborted = true;
  }
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }
  clientGone(): void {
    this.closeListeners.forEach((l) => l());
  }

  frames(): Frame[] {
    return this.chunks
      .join('')
      .split('\n\n')
      .filter((block) => block !== '')
      .map((block) => {
        const frame: Frame = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(': ')) frame.comment = line.slice(2);
          else if (line.startsWith('id: ')) frame.id = line.slice(4);
          else if (line.startsWith('event: ')) frame.event = line.slice(7);
          else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6)) as unknown;
          else if (line.startsWith('retry: ')) frame.retry = line.slice(7);
          else throw new Error(`unexpected line ${line}`);
        }
        return frame;
      });
  }

  // The ids of the feed events written, in order.
  ids(): number[] {
    return this.frames()
      .filter((f) => f.event !== undefined && f.event !== 'resync-required')
      .map((f) => Number(f.id));
  }
}

const event = (id: number, name: FeedEventDto['event'] = 'accounts.changed'): FeedEventDto => ({
  id,
  event: name,
  data: { itemId: `item-${id}` },
});

// The hub with the broker (a fake channel for the user-events subscription), plaid-link's FeedSince (an in-memory
// log per user) and the revocation list replaced through DI.
describe(EventStreamsService.name, () => {
  let sut: EventStreamsService;
  let setup: Setup | undefined;
  let deliver: ((msg: ConsumeMessage | null) => void) | undefined;
  // Each user's log, and the lowest id it still holds (below: compacted).
  let logs: Map<string, FeedEventDto[]>;
  let oldest: Map<string, number>;
  let feedCalls: FeedSinceRequest[];
  // While set, FeedSince answers only once it resolves.
  let gate: Promise<void> | undefined;
  let feedDown: boolean;
  let revokedListener: ((sessionId: string) => void) | undefined;
  let revokedSessions: Set<string>;
  let config: Partial<GatewayConfig>;

  const connect = async (): Promise<void> => {
    const channel = strictMock<ConfirmChannel>('ConfirmChannel', {
      once: (() => channel) as unknown as ConfirmChannel['once'],
      assertExchange: (async () => ({ exchange: 'x' })) as unknown as ConfirmChannel['assertExchange'],
      assertQueue: async () => ({ queue: 'q', messageCount: 0, consumerCount: 0 }),
      bindQueue: (async () => ({})) as unknown as ConfirmChannel['bindQueue'],
      consume: async (_q: string, onMessage: (msg: ConsumeMessage | null) => void) => {
        deliver = onMessage;
        return { consumerTag: 't' };
      },
    });
    await setup!(channel);
  };

  const broadcast = (payload: unknown, type: string = BroadcastEvent.UserEvent): void =>
    deliver!({
      content: Buffer.from(JSON.stringify(payload)),
      properties: { type },
    } as unknown as ConsumeMessage);

  // Stores events in the user's log, as plaid-link commits them.
  const append = (userId: string, ...events: FeedEventDto[]): void => {
    logs.set(userId, [...(logs.get(userId) ?? []), ...events]);
  };
  // Stores and broadcasts them.
  const publish = (userId: string, ...events: FeedEventDto[]): void => {
    append(userId, ...events);
    events.forEach((e) => broadcast({ userId, ...e }));
  };

  // Reads the log when called; the answer arrives once the gate (if any) opens.
  const feedSince = async (request: FeedSinceRequest): Promise<FeedSinceResponse> => {
    feedCalls.push(request);
    const answer = readLog(request);
    await gate;
    if (feedDown) throw new Error('plaid-link unreachable');
    return answer;
  };

  const readLog = (request: FeedSinceRequest): FeedSinceResponse => {
    const log = logs.get(request.userId) ?? [];
    const head = log.at(-1)?.id ?? 0;
    const floor = (oldest.get(request.userId) ?? 1) - 1;
    if (request.after === null) return { head, events: [], resyncRequired: false };
    if (request.after > head || request.after < floor) return { head, events: [], resyncRequired: true };
    const events = log.filter((e) => e.id > request.after!).slice(0, request.limit);
    return { head, events, resyncRequired: false };
  };

  const start = async (): Promise<void> => {
    const amqp = strictMock<AmqpConnection>('AmqpConnection', {
      channel: ((_name: string, s?: Setup) => {
        setup = s;
        return { close: async () => undefined };
      }) as unknown as AmqpConnection['channel'],
      isConnected: () => true,
    });
    const link = strictMock<RpcClient>('link', {
      send: (async (pattern: MessagePattern, request: FeedSinceRequest) => {
        expect(pattern).toBe(MessagePattern.FeedSince);
        return feedSince(request);
      }) as unknown as RpcClient['send'],
    });
    const moduleRef = await Test.createTestingModule({
      providers: [
        EventStreamsService,
        { provide: AmqpConnection, useValue: amqp },
        { provide: Rpc, useValue: rpcOver({ link }) },
        {
          provide: RevocationsService,
          useValue: strictMock<RevocationsService>('RevocationsService', {
            onRevoked: (listener) => void (revokedListener = listener),
            isRevoked: (sessionId) => revokedSessions.has(sessionId),
          }),
        },
        {
          provide: APP_CONFIG,
          useValue: strictMock<GatewayConfig>('GatewayConfig', {
            QUEUE_PREFIX: 't.',
            STREAM_KEEPALIVE_MS: 15_000,
            STREAM_MAX_BUFFER_BYTES: 1024,
            STREAM_MAX_PER_USER: 3,
            ...config,
          }),
        },
      ],
    }).compile();
    Logger.overrideLogger(false);
    sut = moduleRef.get(EventStreamsService);
    sut.onModuleInit();
    sut.onApplicationBootstrap();
    await connect();
  };

  const newUser = (): AuthenticatedUser => ({ userId: randomUUID(), sessionId: randomUUID() });

  const open = async (user: AuthenticatedUser, lastEventId?: string): Promise<FakeSink> => {
    const sink = new FakeSink();
    await sut.open(user, lastEventId, sink);
    return sink;
  };

  beforeEach(async () => {
    setup = undefined;
    deliver = undefined;
    logs = new Map();
    oldest = new Map();
    feedCalls = [];
    gate = undefined;
    feedDown = false;
    revokedListener = undefined;
    revokedSessions = new Set();
    config = {};
    await start();
  });

  afterEach(async () => {
    jest.useRealTimers();
    sut.beforeApplicationShutdown();
    await sut.onApplicationShutdown();
  });

  it('opens with the reconnection delay and starts at the head when there is no Last-Event-ID', async () => {
    const user = newUser();
    append(user.userId, event(1), event(2), event(3));

    const sink = await open(user);
    publish(user.userId, event(4, 'item.removed'));

    expect(sink.opened).toBe(true);
    expect(sink.frames()).toEqual([
      { retry: '3000' },
      { id: '4', event: 'item.removed', data: { itemId: 'item-4' } },
    ]);
    expect(feedCalls).toEqual([{ userId: user.userId, after: null, limit: FEED_PAGE_SIZE }]);
  });

  it("writes a broadcast only to its user's streams", async () => {
    const [alice, bob] = [newUser(), newUser()];
    const aliceSink = await open(alice);
    const bobSink = await open(bob);

    publish(alice.userId, event(1));

    expect(aliceSink.ids()).toEqual([1]);
    expect(bobSink.ids()).toEqual([]);
  });

  it('writes every event once when a broadcast comes again or out of date', async () => {
    const user = newUser();
    const sink = await open(user);
    publish(user.userId, event(1), event(2));

    broadcast({ userId: user.userId, ...event(2) });
    broadcast({ userId: user.userId, ...event(1) });
    publish(user.userId, event(3));

    expect(sink.ids()).toEqual([1, 2, 3]);
  });

  it('fills a gap from the log before writing the event after it', async () => {
    const user = newUser();
    const sink = await open(user);
    append(user.userId, event(1), event(2));

    publish(user.userId, event(3));

    await waitFor(() => sink.ids().length === 3);
    expect(sink.ids()).toEqual([1, 2, 3]);
    expect(feedCalls.at(-1)).toEqual({ userId: user.userId, after: 0, limit: FEED_PAGE_SIZE });
  });

  it('holds live events during a catch-up and writes each once after it, in order', async () => {
    const user = newUser();
    const sink = await open(user);
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    append(user.userId, event(1));
    publish(user.userId, event(2));
    await waitFor(() => feedCalls.length === 2);

    publish(user.userId, event(3), event(4));
    publish(user.userId, event(5));
    gate = undefined;
    release();

    await waitFor(() => sink.ids().length === 5);
    expect(sink.ids()).toEqual([1, 2, 3, 4, 5]);
    // One catch-up at a time: the events held were written from memory, not read again.
    expect(feedCalls).toHaveLength(2);
  });

  it('fills a gap in the broadcasts that arrived while the stream was starting', async () => {
    const user = newUser();
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    const opening = open(user);
    await waitFor(() => feedCalls.length === 1);
    // Stored after the head was read; its broadcast never reached this gateway.
    append(user.userId, event(1));
    publish(user.userId, event(2));
    gate = undefined;
    release();

    const sink = await opening;

    await waitFor(() => sink.ids().length === 2);
    expect(sink.ids()).toEqual([1, 2]);
  });

  it('closes the stream (the client resumes) when the log does not hold what a broadcast announced', async () => {
    const user = newUser();
    const sink = await open(user);

    broadcast({ userId: user.userId, ...event(3) });

    await waitFor(() => sink.ended);
    expect(sink.ids()).toEqual([]);
    expect(sut.size()).toBe(0);
  });

  it('resumes from Last-Event-ID through several pages of the log, in order', async () => {
    const user = newUser();
    const total = FEED_PAGE_SIZE * 2 + 500;
    append(user.userId, ...Array.from({ length: total }, (_, i) => event(i + 1)));

    const sink = await open(user, '10');
    await waitFor(() => sink.ids().length === total - 10);
    publish(user.userId, event(total + 1));

    expect(sink.ids()).toEqual(Array.from({ length: total + 1 - 10 }, (_, i) => i + 11));
    expect(feedCalls.map((c) => c.after)).toEqual([10, 10 + FEED_PAGE_SIZE, 10 + 2 * FEED_PAGE_SIZE]);
  });

  it('accepts the Last-Event-ID of the last event and writes nothing old', async () => {
    const user = newUser();
    append(user.userId, event(1), event(2));

    const sink = await open(user, '2');
    publish(user.userId, event(3));

    expect(sink.ids()).toEqual([3]);
  });

  it('sends one resync-required with the head as its id when the log no longer holds Last-Event-ID', async () => {
    const user = newUser();
    append(user.userId, ...Array.from({ length: 50 }, (_, i) => event(i + 1)));
    oldest.set(user.userId, 40);

    const sink = await open(user, '5');
    publish(user.userId, event(51));

    expect(sink.frames()).toEqual([
      { retry: '3000' },
      { id: '50', event: 'resync-required', data: {} },
      { id: '51', event: 'accounts.changed', data: { itemId: 'item-51' } },
    ]);
  });

  it.each(['abc', '-1', '1.5', ''])('sends resync-required for the Last-Event-ID %p', async (lastEventId) => {
    const user = newUser();
    append(user.userId, event(1), event(2));

    const sink = await open(user, lastEventId);

    expect(sink.frames()).toEqual([{ retry: '3000' }, { id: '2', event: 'resync-required', data: {} }]);
  });

  it('sends resync-required when a catch-up finds its events compacted away', async () => {
    const user = newUser();
    const sink = await open(user);
    append(user.userId, event(1), event(2), event(3));
    oldest.set(user.userId, 3);

    publish(user.userId, event(4));

    // 4 itself is covered by the resync's id: it is not written again.
    await waitFor(() => sink.frames().length === 2);
    expect(sink.frames()[1]).toEqual({ id: '4', event: 'resync-required', data: {} });
    publish(user.userId, event(5));
    expect(sink.ids()).toEqual([5]);
  });

  it('reads the log from each stream’s last id after the subscription is re-made', async () => {
    const user = newUser();
    const sink = await open(user);
    publish(user.userId, event(1));
    // Stored while the subscription was down: never broadcast to this gateway.
    append(user.userId, event(2), event(3));

    await connect();

    await waitFor(() => sink.ids().length === 3);
    expect(sink.ids()).toEqual([1, 2, 3]);
  });

  it('drops broadcasts that are malformed or of another type', async () => {
    const user = newUser();
    const sink = await open(user);

    broadcast({ userId: user.userId, ...event(1) }, 'something.else');
    broadcast({ userId: 'not-a-uuid', ...event(1) });
    broadcast({ userId: user.userId, ...event(1), event: 'password.changed' });
    broadcast({ userId: user.userId, ...event(1), id: 0 });
    broadcast({ userId: user.userId, ...event(1), data: 'text' });
    broadcast(null);

    expect(sink.frames()).toEqual([{ retry: '3000' }]);
    expect(feedCalls).toHaveLength(1);
  });

  it("closes only the revoked session's streams, with session.revoked and no id", async () => {
    const user = newUser();
    const otherSession = { ...user, sessionId: randomUUID() };
    const revoked = await open(user);
    const kept = await open(otherSession);

    revokedListener!(user.sessionId);
    publish(user.userId, event(1));

    expect(revoked.frames()).toEqual([{ retry: '3000' }, { event: 'session.revoked', data: {} }]);
    expect(revoked.ended).toBe(true);
    expect(kept.ended).toBe(false);
    expect(kept.ids()).toEqual([1]);
    expect(sut.size()).toBe(1);
  });

  it('refuses a stream for a session already revoked here', async () => {
    const user = newUser();
    revokedSessions.add(user.sessionId);

    await expect(open(user)).rejects.toMatchObject({ code: ErrorCode.Unauthorized });
    expect(sut.size()).toBe(0);
  });

  it('refuses the stream with a JSON error when its session is revoked while the log is read', async () => {
    const user = newUser();
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    const sink = new FakeSink();
    const opening = sut.open(user, undefined, sink);
    await waitFor(() => feedCalls.length === 1);

    revokedListener!(user.sessionId);
    release();

    await expect(opening).rejects.toMatchObject({ code: ErrorCode.Unauthorized });
    expect(sink.opened).toBe(false);
    expect(sut.size()).toBe(0);
  });

  it('drops and forgets a stream whose client leaves too much unread', async () => {
    const user = newUser();
    const slow = await open(user);
    const other = await open({ ...user, sessionId: randomUUID() });

    slow.bufferedBytes = 2048;
    publish(user.userId, event(1));
    publish(user.userId, event(2));

    expect(slow.aborted).toBe(true);
    expect(slow.ids()).toEqual([1]);
    expect(other.ids()).toEqual([1, 2]);
    expect(sut.size()).toBe(1);
  });

  it('sends keep-alive comments, and stops them and forgets the stream once the client is gone', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    const user = newUser();
    const sink = await open(user);

    jest.advanceTimersByTime(15_000 * 2);
    expect(sink.frames().filter((f) => f.comment === 'keep-alive')).toHaveLength(2);

    sink.clientGone();
    jest.advanceTimersByTime(15_000 * 2);
    publish(user.userId, event(1));

    expect(sink.frames().filter((f) => f.comment === 'keep-alive')).toHaveLength(2);
    expect(sink.ids()).toEqual([]);
    expect(sut.size()).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('answers RateLimited past the streams a user may hold, and counts a closed one out', async () => {
    const user = newUser();
    const sinks = [await open(user), await open(user), await open(user)];

    await expect(open(user)).rejects.toMatchObject({ code: ErrorCode.RateLimited });
    await expect(open(newUser())).resolves.toBeInstanceOf(FakeSink);
    sinks[0].clientGone();
    await expect(open(user)).resolves.toBeInstanceOf(FakeSink);
  });

  it('answers the error and opens nothing when the log cannot be read', async () => {
    feedDown = true;
    const sink = new FakeSink();

    await expect(sut.open(newUser(), undefined, sink)).rejects.toThrow('plaid-link unreachable');

    expect(sink.opened).toBe(false);
    expect(sut.size()).toBe(0);
  });

  it('closes a stream whose catch-up fails (the client resumes with Last-Event-ID)', async () => {
    const user = newUser();
    const sink = await open(user);
    feedDown = true;

    publish(user.userId, event(2));

    await waitFor(() => sink.ended);
    expect(sut.size()).toBe(0);
  });

  it('ends every stream at shutdown and refuses new ones', async () => {
    const sinks = [await open(newUser()), await open(newUser())];

    sut.beforeApplicationShutdown();

    expect(sinks.every((s) => s.ended)).toBe(true);
    expect(sut.size()).toBe(0);
    await expect(open(newUser())).rejects.toMatchObject({ code: ErrorCode.ServiceUnavailable });
  });
});
