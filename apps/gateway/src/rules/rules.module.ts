import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { RulesController } from './rules.controller';

@Module({
  imports: [RpcModule],
  controllers: [RulesController],
})
export class RulesModule {}
