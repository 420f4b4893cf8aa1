import { Module } from '@nestjs/common';
import { RpcModule } from '../rpc/rpc.module';
import { ItemsController } from './items.controller';

// Linked items: list, get, delete (plaid-link), manual sync and accounts refresh (sync-worker).
@Module({
  imports: [RpcModule],
  controllers: [ItemsController],
})
export class ItemsModule {}
