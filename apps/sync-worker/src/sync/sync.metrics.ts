import { Injectable, type OnModuleInit } from '@nestjs/common';
import { scrapedGauge } from '@app/common';
import { SyncItemsRepository } from '../items/sync-items.repository';

@Injectable()
export class SyncMetrics implements OnModuleInit {
  constructor(private readonly items: SyncItemsRepository) {}

  onModuleInit(): void {
    scrapedGauge(
      'item_seconds_since_last_sync',
      'Seconds since each item last synced successfully (since it was linked, if never)',
      ['item_id'],
      async () =>
        (await this.items.secondsSinceLastSync()).map((r) => ({
          labels: { item_id: r.itemId },
          value: r.seconds,
        })),
    );
  }
}
