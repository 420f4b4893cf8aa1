import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { scrapedGauge } from '@app/common';
import { APP_CONFIG, LinkConfig } from '../config';
import { ItemsRepository } from './items.repository';

@Injectable()
export class ItemsMetrics implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: LinkConfig,
    private readonly items: ItemsRepository,
  ) {}

  onModuleInit(): void {
    scrapedGauge('items_by_status', 'Linked items by status', ['status'], async () =>
      (await this.items.countByStatus()).map((r) => ({ labels: { status: r.status }, value: r.count })),
    );
    // Alert on it: items whose data is older than ITEM_STALE_AFTER_HOURS (the `stale` flag of GET /v1/items).
    scrapedGauge('items_stale', 'Items whose data is older than ITEM_STALE_AFTER_HOURS', [], async () => [
      { labels: {}, value: await this.items.countStale(this.config.ITEM_STALE_AFTER_HOURS) },
    ]);
  }
}
