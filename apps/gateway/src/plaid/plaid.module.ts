import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { LinkTokensService } from './link-tokens.service';
import { PlaidController } from './plaid.controller';

// Plaid Link: link tokens and the public-token exchange, served by plaid-link.
@Module({
  imports: [RpcModule],
  controllers: [PlaidController],
  providers: [LinkTokensService],
})
export class PlaidModule {}
