import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { InsightsController } from './insights.controller';

// Spending insights (sync-worker).
@Module({
  imports: [RpcModule],
  controllers: [InsightsController],
})
export class InsightsModule {}
