import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, MessagePattern } from '@app/contracts';
import { RevocationsService } from '../auth/revocations.service';
import { APP_CONFIG, GatewayConfig } from '../config';
import { EventStreamsService } from '../events/event-streams.service';
import { Rpc } from '../rpc/rpc';

export type CheckState = 'up' | 'down';

export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckState>;
}

// A readiness answer is reused for this long: /health/ready is public, and each check is a broker round trip
// to every service.
const CACHE_MS = 1000;

@Injectable()
export class HealthService {
  private readonly logger = new Logger(HealthService.name);
  private cached?: { at: number; readiness: Promise<Readiness> };

  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    private readonly rpc: Rpc,
    private readonly revocations: RevocationsService,
    private readonly streams: EventStreamsService,
  ) {}

  // Callers within a second of each other (and while a check runs) share one check.
  readiness(): Promise<Readiness> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.readiness;
    const readiness = this.check();
    this.cached = { at: Date.now(), readiness };
    return readiness;
  }

  async assertReady(): Promise<{ status: 'ok' }> {
    const { ready } = await this.readiness();
    if (!ready) throw new DomainError(ErrorCode.ServiceUnavailable, 'Not ready');
    return { status: 'ok' };
  }

  private async check(): Promise<Readiness> {
    const checks: Record<string, CheckState> = {
      broker: this.rpc.services().some((c) => c.isConnected()) ? 'up' : 'down',
      revocations: this.revocations.isReady() ? 'up' : 'down',
      userEvents: this.streams.isReady() ? 'up' : 'down',
    };
    await Promise.all(
      // A per-service ping: HealthPing is answered by every service, so it is sent to each by name.
      this.rpc.services().map(async (client) => {
        checks[client.service] = await client
          .send(MessagePattern.HealthPing, {}, { timeoutMs: this.config.HEALTH_TIMEOUT_MS })
          .then(
            () => 'up' as const,
            () => 'down' as const,
          );
      }),
    );
    const down = Object.keys(checks).filter((name) => checks[name] === 'down');
    // The public answer does not say what is down; operators read it here or on the metrics port.
    if (down.length > 0) this.logger.warn({ down }, 'not ready');
    return { ready: down.length === 0, checks };
  }
}
