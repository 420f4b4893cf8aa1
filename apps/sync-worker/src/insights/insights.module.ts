import { Module } from '@nestjs/common';
import { InsightsHandler } from './insights.handler';
import { InsightsRepository } from './insights.repository';
import { InsightsService } from './insights.service';

// Spending insights (RPC).
@Module({
  controllers: [InsightsHandler],
  providers: [InsightsRepository, InsightsService],
})
export class InsightsModule {}
