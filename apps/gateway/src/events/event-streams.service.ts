import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { metricsRegistry } from '@app/common';
import {
  BroadcastEvent,
  DomainError,
  ErrorCode,
  MessagePattern,
  topology,
  UserFeedBroadcast,
} from '@app/contracts';
import { AmqpConnection, FanoutSubscriber } from '@app/messaging';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Gauge } from 'prom-client';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { RevocationsService } from '../auth/revocations.service';
import { APP_CONFIG, GatewayConfig } from '../config';
import { Rpc } from '../rpc/rpc';
import { type CloseReason, type EventSink, EventStream, FEED_PAGE_SIZE } from './event-stream';

const openStreams = new Gauge({
  name: 'gateway_event_streams_open',
  help: 'Open GET /v1/events streams on this instance',
  registers: [metricsRegistry],
});

// The event streams open on this instance, by user and by session. Every gateway subscribes to the user-events
// exchange and hands each broadcast to that user's streams; a revoked session's streams end with it.
@Injectable()
export class EventStreamsService
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(EventStreamsService.name);
  private readonly byUser = new Map<string, Set<EventStream>>();
  private readonly bySession = new Map<string, Set<EventStream>>();
  private readonly subscriber: FanoutSubscriber;
  private count = 0;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    private readonly rpc: Rpc,
    private readonly revocations: RevocationsService,
    amqp: AmqpConnection,
  ) {
    this.subscriber = new FanoutSubscriber(amqp, topology(config.QUEUE_PREFIX).userEventsExchange);
  }

  onModuleInit(): void {
    this.revocations.onRevoked((sessionId) => this.revokeSession(sessionId));
  }

  onApplicationBootstrap(): void {
    this.subscriber.subscribe(
      (type, payload) => this.receive(type, payload),
      // Broadcasts sent while the subscription was down are lost: every stream reads the log from its lastId.
      () => this.forEach((stream) => stream.resume()),
    );
  }

  // Streams end first, so that the HTTP server's close does not wait for them (clients reconnect elsewhere).
  beforeApplicationShutdown(): void {
    this.stopped = true;
    this.forEach((stream) => stream.close('shutdown'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber.close();
  }

  isReady(): boolean {
    return this.subscriber.isConnected();
  }

  size(): number {
    return this.count;
  }

  // Registered before the log is read, so that no event falls between the read and the subscription; the
  // response opens once that read succeeded (until then every refusal is a JSON error).
  async open(user: AuthenticatedUser, lastEventId: string | undefined, sink: EventSink): Promise<void> {
    if (this.stopped) throw new DomainError(ErrorCode.ServiceUnavailable, 'Shutting down');
    if (this.revocations.isRevoked(user.sessionId))
      throw new DomainError(ErrorCode.Unauthorized, 'Authentication required');
    if ((this.byUser.get(user.userId)?.size ?? 0) >= this.config.STREAM_MAX_PER_USER)
      throw new DomainError(ErrorCode.RateLimited, 'Too many open event streams');
    const stream = new EventStream(
      user.userId,
      user.sessionId,
      sink,
      (after) =>
        this.rpc.send(MessagePattern.FeedSince, { userId: user.userId, after, limit: FEED_PAGE_SIZE }),
      { keepAliveMs: this.config.STREAM_KEEPALIVE_MS, maxBufferBytes: this.config.STREAM_MAX_BUFFER_BYTES },
      (closed, reason) => this.unregister(closed, reason),
    );
    this.register(stream);
    try {
      await stream.start(lastEventId);
    } catch (err) {
      stream.close('error');
      throw err;
    }
  }

  private receive(type: string, payload: unknown): void {
    if (type !== (BroadcastEvent.UserEvent as string)) {
      this.logger.warn({ type }, 'unknown broadcast dropped');
      return;
    }
    // Anyone who can publish to the exchange can send one: only a well-formed event reaches a stream.
    const event =
      typeof payload === 'object' && payload !== null
        ? plainToInstance(UserFeedBroadcast, payload)
        : undefined;
    const errors = event ? validateSync(event) : [];
    if (!event || errors.length > 0) {
      this.logger.warn({ fields: errors.map((e) => e.property) }, 'malformed user event dropped');
      return;
    }
    const { id, event: name, data } = event;
    this.byUser.get(event.userId)?.forEach((stream) => stream.deliver({ id, event: name, data }));
  }

  private revokeSession(sessionId: string): void {
    [...(this.bySession.get(sessionId) ?? [])].forEach((stream) => stream.revoke());
  }

  private register(stream: EventStream): void {
    add(this.byUser, stream.userId, stream);
    add(this.bySession, stream.sessionId, stream);
    openStreams.set(++this.count);
  }

  private unregister(stream: EventStream, reason: CloseReason): void {
    if (!remove(this.byUser, stream.userId, stream)) return;
    remove(this.bySession, stream.sessionId, stream);
    openStreams.set(--this.count);
    this.logger.debug({ userId: stream.userId, reason }, 'event stream closed');
  }

  // Over a copy: closing a stream removes it from the maps.
  private forEach(fn: (stream: EventStream) => void): void {
    [...this.byUser.values()].flatMap((set) => [...set]).forEach(fn);
  }
}

function add(map: Map<string, Set<EventStream>>, key: string, stream: EventStream): void {
  const set = map.get(key) ?? new Set<EventStream>();
  set.add(stream);
  map.set(key, set);
}

function remove(map: Map<string, Set<EventStream>>, key: string, stream: EventStream): boolean {
  const set = map.get(key);
  if (!set?.delete(stream)) return false;
  if (set.size === 0) map.delete(key);
  return true;
}
