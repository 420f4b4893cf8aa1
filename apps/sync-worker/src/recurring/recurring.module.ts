import { Module } from '@nestjs/common';
import { PlaidLimitsModule } from '../plaid-limits/plaid-limits.module';
import { RecurringHandler } from './recurring.handler';
import { RecurringRepository } from './recurring.repository';
import { RecurringService } from './recurring.service';

// Plaid's recurring streams: the refresh the sync path calls, and the read API.
@Module({
  imports: [PlaidLimitsModule],
  controllers: [RecurringHandler],
  providers: [RecurringRepository, RecurringService],
  exports: [RecurringService],
})
export class RecurringModule {}
