import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxModule } from '../outbox/outbox.module';
import { PlaidItemsModule } from '../plaid-items/plaid-items.module';
import { ItemStatusService } from './item-status.service';
import { Item } from './item.entity';
import { ItemsHandler } from './items.handler';
import { ItemsMetrics } from './items.metrics';
import { ItemsRepository } from './items.repository';
import { ItemsService } from './items.service';

// Items CRUD and the item news from the sync worker. Link and webhooks read and write items through the
// repository and check ownership through the service; the status rules stay inside.
@Module({
  imports: [TypeOrmModule.forFeature([Item]), PlaidItemsModule, OutboxModule],
  controllers: [ItemsHandler],
  providers: [ItemsRepository, ItemsService, ItemStatusService, ItemsMetrics],
  exports: [ItemsRepository, ItemsService],
})
export class ItemsModule {}
