import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { BroadcastEvent, MessagePattern, SessionRevocation, topology } from '@app/contracts';
import { AmqpConnection, FanoutSubscriber } from '@app/messaging';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { APP_CONFIG, GatewayConfig } from '../config';
import { Rpc } from '../rpc/rpc';

// Sessions whose access tokens this gateway refuses, kept in memory: no broker round trip per request.
// Filled from the auth service at start, after every re-subscription and every REVOCATIONS_RELOAD_MS (a safety
// net for a broadcast lost anyway), and by auth's revocation broadcasts in between.
@Injectable()
export class RevocationsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RevocationsService.name);
  private readonly revoked = new Map<string, number>();
  private readonly listeners: ((sessionId: string) => void)[] = [];
  private readonly subscriber: FanoutSubscriber;
  private loaded = false;
  private loading?: Promise<void>;
  private stopped = false;
  private sweeper?: NodeJS.Timeout;
  private reloader?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    private readonly rpc: Rpc,
    amqp: AmqpConnection,
  ) {
    this.subscriber = new FanoutSubscriber(amqp, topology(config.QUEUE_PREFIX).revocationsExchange);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Subscribe first, then read the list: a revocation made in between arrives by broadcast.
    this.subscriber.subscribe(
      (type, payload) => {
        if (type === (BroadcastEvent.SessionRevoked as string)) this.add(payload);
        else this.logger.warn({ type }, 'unknown broadcast dropped');
      },
      () => void this.reload(),
    );
    void this.reload();
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
    this.reloader = setInterval(() => void this.reload(), this.config.REVOCATIONS_RELOAD_MS);
    this.reloader.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    clearInterval(this.reloader);
    await this.subscriber.close();
  }

  // Until the list has been read once, this gateway cannot tell a revoked token from a good one.
  isLoaded(): boolean {
    return this.loaded;
  }

  // Ready only once the revocations in force are known and broadcasts can reach us.
  isReady(): boolean {
    return this.loaded && this.subscriber.isConnected();
  }

  isRevoked(sessionId: string): boolean {
    const until = this.revoked.get(sessionId);
    return until !== undefined && until * 1000 > Date.now();
  }

  // This instance refuses the session's tokens from now on (the logout it served), whatever the broadcast does.
  revokeLocally(sessionId: string): void {
    this.add({ sessionId, until: this.now() + this.config.ACCESS_TOKEN_TTL_SECONDS });
  }

  // Told of every revocation in force that reaches this instance (its own logouts, broadcasts, reloads), so that
  // what a session holds open (its event streams) ends with it.
  onRevoked(listener: (sessionId: string) => void): void {
    this.listeners.push(listener);
  }

  // Anyone who can publish to the exchange can send this: a malformed revocation is dropped, and none is kept
  // longer than an access token can live (a forged far-future `until` would otherwise never be swept).
  add(revocation: unknown): void {
    const r =
      typeof revocation === 'object' && revocation !== null
        ? plainToInstance(SessionRevocation, revocation)
        : undefined;
    const errors = r ? validateSync(r) : [];
    if (!r || errors.length > 0) {
      this.logger.warn({ fields: errors.map((e) => e.property) }, 'malformed revocation dropped');
      return;
    }
    const until = Math.min(r.until, this.now() + this.config.ACCESS_TOKEN_TTL_SECONDS);
    this.revoked.set(r.sessionId, Math.max(until, this.revoked.get(r.sessionId) ?? 0));
    if (this.isRevoked(r.sessionId)) this.listeners.forEach((listener) => listener(r.sessionId));
  }

  // One load at a time; a call while one runs shares it.
  reload(): Promise<void> {
    this.loading ??= this.loadWithRetry().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async loadWithRetry(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const { revocations } = await this.rpc.send(MessagePattern.AuthRevocationsList, {});
        revocations.forEach((r) => this.add(r));
        if (!this.loaded) this.logger.log({ count: revocations.length }, 'revocations loaded');
        this.loaded = true;
        return;
      } catch (err) {
        if (attempt % 10 === 0)
          this.logger.warn({ err: (err as Error).message }, 'revocations not loaded yet; retrying');
        await new Promise((r) => setTimeout(r, Math.min(2000, 200 * (attempt + 1))));
      }
    }
  }

  private now(): number {
    return Math.floor(Date.now() / 1000);
  }

  private sweep(): void {
    const now = this.now();
    for (const [sid, until] of this.revoked) if (until < now) this.revoked.delete(sid);
  }
}
