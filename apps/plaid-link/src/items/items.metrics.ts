import { Injectable, type OnModuleInit } from '@nestjs/common';
import { scrapedGauge } from '@app/common';
import { DataSource } from 'typeorm';

@Injectable()
export class ItemsMetrics implements OnModuleInit {
  constructor(private readonly db: DataSource) {}

  onModuleInit(): void {
    scrapedGauge('items_by_status', 'Linked items by status', ['status'], async () => {
      const rows = await this.db.query<{ status: string; n: string }[]>(
        `SELECT status, count(*) AS n FROM items GROUP BY status`,
      );
      return rows.map((r) => ({ labels: { status: r.status }, value: Number(r.n) }));
    });
  }
}
