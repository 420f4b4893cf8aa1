import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { ItemsController } from './items.controller';

@Module({
  imports: [RpcModule],
  controllers: [ItemsController],
})
export class ItemsModule {}
