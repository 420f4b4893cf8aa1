import { Module } from '@nestjs/common';
import { UnitOfWork, unitOfWorkProviders } from '@app/messaging';
import { APP_CONFIG } from '../config';

// One relay per process for auth.outbox, and the unit of work on it: features that write rows (and publish or
// broadcast with them) import this and run their transactions through UnitOfWork.
@Module({
  providers: unitOfWorkProviders(APP_CONFIG),
  exports: [UnitOfWork],
})
export class OutboxModule {}
