import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { BroadcastEvent, MessagePattern, type SessionRevocation, topology } from '@app/contracts';
import { AmqpConnection, FanoutSubscriber } from '@app/messaging';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { RpcClients } from '../rpc/rpc-clients';

// Sessions whose access tokens this gateway refuses, kept in memory: no broker round trip per request.
// Filled from the auth service at start (and after every reconnect) and by its revocation broadcasts.
@Injectable()
export class RevocationsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RevocationsService.name);
  private readonly revoked = new Map<string, number>();
  private readonly subscriber: FanoutSubscriber;
  private loaded = false;
  private sweeper?: NodeJS.Timeout;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly rpc: RpcClients,
    amqp: AmqpConnection,
  ) {
    this.subscriber = new FanoutSubscriber(amqp, topology(config.QUEUE_PREFIX).revocationsExchange);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Subscribe first, then read the list: a revocation made in between arrives by broadcast.
    this.subscriber.subscribe(
      (type, payload) => {
        if (type === (BroadcastEvent.SessionRevoked as string)) this.add(payload as SessionRevocation);
      },
      () => void this.loadWithRetry(),
    );
    void this.loadWithRetry();
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  // Ready only once the revocations in force are known and broadcasts can reach us.
  isReady(): boolean {
    return this.loaded && this.subscriber.isConnected();
  }

  isRevoked(sessionId: string): boolean {
    const until = this.revoked.get(sessionId);
    return until !== undefined && until * 1000 > Date.now();
  }

  add(revocation: SessionRevocation): void {
    if (typeof revocation?.sessionId !== 'string' || typeof revocation.until !== 'number') return;
    this.revoked.set(revocation.sessionId, revocation.until);
  }

  private async loadWithRetry(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const { revocations } = await this.rpc.auth.send(MessagePattern.AuthRevocationsList, {});
        revocations.forEach((r) => this.add(r));
        this.loaded = true;
        this.logger.log({ count: revocations.length }, 'revocations loaded');
        return;
      } catch (err) {
        if (attempt % 10 === 0)
          this.logger.warn({ err: (err as Error).message }, 'revocations not loaded yet; retrying');
        await new Promise((r) => setTimeout(r, Math.min(2000, 200 * (attempt + 1))));
      }
    }
  }

  private sweep(): void {
    const now = Date.now() / 1000;
    for (const [sid, until] of this.revoked) if (until < now) this.revoked.delete(sid);
  }
}
