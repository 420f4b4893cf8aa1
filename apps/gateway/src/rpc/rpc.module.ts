import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { Rpc } from './rpc';

// The typed RPC door to the services behind the gateway (see Rpc).
@Module({
  providers: [
    { provide: Rpc, useFactory: (config: GatewayConfig) => Rpc.fromConfig(config), inject: [GATEWAY_CONFIG] },
  ],
  exports: [Rpc],
})
export class RpcModule {}
