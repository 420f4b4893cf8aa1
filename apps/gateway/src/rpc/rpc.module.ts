import { Module } from '@nestjs/common';
import { APP_CONFIG, type GatewayConfig } from '../config';
import { Rpc } from './rpc';

// The typed RPC door to the services behind the gateway (see Rpc).
@Module({
  providers: [
    { provide: Rpc, useFactory: (config: GatewayConfig) => Rpc.fromConfig(config), inject: [APP_CONFIG] },
  ],
  exports: [Rpc],
})
export class RpcModule {}
