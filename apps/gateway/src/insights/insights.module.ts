import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { InsightsController } from './insights.controller';

@Module({
  imports: [RpcModule],
  controllers: [InsightsController],
})
export class InsightsModule {}
