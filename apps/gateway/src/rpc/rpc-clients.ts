import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { topology } from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

// One RPC client per service queue. The gateway holds no database and no Plaid credentials.
@Injectable()
export class RpcClients implements OnApplicationShutdown {
  readonly auth: RpcClient;
  readonly link: RpcClient;
  readonly sync: RpcClient;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    const t = topology(config.QUEUE_PREFIX);
    this.auth = new RpcClient('auth', config.RABBITMQ_URL, t.authRpc, config.RPC_TIMEOUT_MS);
    this.link = new RpcClient('plaid-link', config.RABBITMQ_URL, t.linkRpc, config.RPC_TIMEOUT_MS);
    this.sync = new RpcClient('sync-worker', config.RABBITMQ_URL, t.syncRpc, config.RPC_TIMEOUT_MS);
  }

  all(): RpcClient[] {
    return [this.auth, this.link, this.sync];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.all().map((c) => c.close()));
  }
}
