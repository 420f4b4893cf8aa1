import { Injectable, type OnModuleInit } from '@nestjs/common';
import { scrapedGauge } from '@app/common';
import { ItemsRepository } from './items.repository';

@Injectable()
export class ItemsMetrics implements OnModuleInit {
  constructor(private readonly items: ItemsRepository) {}

  onModuleInit(): void {
    scrapedGauge('items_by_status', 'Linked items by status', ['status'], async () =>
      (await this.items.countByStatus()).map((r) => ({ labels: { status: r.status }, value: r.count })),
    );
  }
}
