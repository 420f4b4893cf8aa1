import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FeedModule } from '../feed/feed.module';
import { OutboxModule } from '../outbox/outbox.module';
import { PlaidItemsModule } from '../plaid-items/plaid-items.module';
import { ItemStatusService } from './item-status.service';
import { Item } from './item.entity';
import { ItemChangesService } from './item-changes.service';
import { ItemsHandler } from './items.handler';
import { ItemsMetrics } from './items.metrics';
import { ItemsRepository } from './items.repository';
import { ItemsService } from './items.service';

// Items CRUD and the item news from the sync worker. Link and webhooks read items through the repository, write
// them through ItemChangesService (which feeds the owner's change feed) and check ownership through the service; the
// status rules stay inside.
@Module({
  imports: [TypeOrmModule.forFeature([Item]), PlaidItemsModule, OutboxModule, FeedModule],
  controllers: [ItemsHandler],
  providers: [ItemsRepository, ItemChangesService, ItemsService, ItemStatusService, ItemsMetrics],
  exports: [ItemsRepository, ItemChangesService, ItemsService],
})
export class ItemsModule {}
