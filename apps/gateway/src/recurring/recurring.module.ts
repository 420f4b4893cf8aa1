import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { RecurringController } from './recurring.controller';

// Recurring streams of the user's transactions (sync-worker).
@Module({
  imports: [RpcModule],
  controllers: [RecurringController],
})
export class RecurringModule {}
