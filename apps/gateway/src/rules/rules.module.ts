import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { RulesController } from './rules.controller';

// The user's categorisation rules, CRUD (sync-worker).
@Module({
  imports: [RpcModule],
  controllers: [RulesController],
})
export class RulesModule {}
