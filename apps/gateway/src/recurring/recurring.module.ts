import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { RecurringController } from './recurring.controller';

@Module({
  imports: [RpcModule],
  controllers: [RecurringController],
})
export class RecurringModule {}
