import { Module } from '@nestjs/common';
import { RecurringHandler } from './recurring.handler';
import { RecurringRepository } from './recurring.repository';
import { RecurringService } from './recurring.service';

// Plaid's recurring streams: the refresh the sync path calls (with the item's client from the door to Plaid), and
// the read API.
@Module({
  controllers: [RecurringHandler],
  providers: [RecurringRepository, RecurringService],
  exports: [RecurringService],
})
export class RecurringModule {}
