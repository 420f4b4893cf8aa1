import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { PlaidController } from './plaid.controller';

// Plaid Link: link tokens and the public-token exchange, served by plaid-link.
@Module({
  imports: [RpcModule],
  controllers: [PlaidController],
})
export class PlaidModule {}
