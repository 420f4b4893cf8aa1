import { Module } from '@nestjs/common';
import { SyncItemsRepository } from './sync-items.repository';

// The worker's items: their owners, tokens, cursors and sync flags.
@Module({
  providers: [SyncItemsRepository],
  exports: [SyncItemsRepository],
})
export class ItemsModule {}
