import { Module } from '@nestjs/common';
import { TransactionsModule } from '../transactions/transactions.module';
import { InsightsHandler } from './insights.handler';
import { InsightsRepository } from './insights.repository';
import { InsightsService } from './insights.service';

// Spending insights (RPC).
@Module({
  imports: [TransactionsModule],
  controllers: [InsightsHandler],
  providers: [InsightsRepository, InsightsService],
})
export class InsightsModule {}
