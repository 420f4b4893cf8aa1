import { Module } from '@nestjs/common';
import { RpcClients } from './rpc-clients';

// The typed RPC clients of the services behind the gateway.
@Module({
  providers: [RpcClients],
  exports: [RpcClients],
})
export class RpcModule {}
