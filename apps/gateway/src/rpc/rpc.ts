import { type OnApplicationShutdown } from '@nestjs/common';
import {
  RPC_ROUTES,
  type RoutedRpcPattern,
  type RpcQueueOwner,
  type RpcRequest,
  type RpcResponse,
  rpcQueueOf,
  topology,
} from '@app/contracts';
import { RpcClient, type RpcSendOptions } from '@app/messaging';
import { type GatewayConfig } from '../config';

// The gateway's one door to the services: `send` picks the service's queue from RPC_ROUTES, so no call site names
// a service and a payload that does not match RpcContract does not compile. The hot path is one table lookup.
export class Rpc implements OnApplicationShutdown {
  constructor(private readonly clients: { readonly [O in RpcQueueOwner]: RpcClient<O> }) {}

  static fromConfig(config: GatewayConfig): Rpc {
    const t = topology(config.QUEUE_PREFIX);
    const client = <O extends RpcQueueOwner>(owner: O, service: string): RpcClient<O> =>
      new RpcClient<O>(service, config.RABBITMQ_URL, rpcQueueOf(t, owner), config.RPC_TIMEOUT_MS);
    // The names are the ones readiness reports per service.
    return new Rpc({
      auth: client('auth', 'auth'),
      link: client('link', 'plaid-link'),
      sync: client('sync', 'sync-worker'),
    });
  }

  send<P extends RoutedRpcPattern>(
    pattern: P,
    payload: RpcRequest<P>,
    options?: RpcSendOptions,
  ): Promise<RpcResponse<P>> {
    // The client is the pattern's owner by construction (the lookup is the routing); the compiler cannot follow
    // that correlation through a generic index, so the client is widened here, and only here.
    const owner: RpcClient = this.clients[RPC_ROUTES[pattern]];
    return owner.send(pattern, payload, options);
  }

  // Readiness asks every service by name (HealthPing is answered by all of them, so it has no single route).
  services(): readonly RpcClient[] {
    return Object.values(this.clients);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.services().map((c) => c.close()));
  }
}
