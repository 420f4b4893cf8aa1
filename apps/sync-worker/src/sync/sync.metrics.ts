import { Injectable, type OnModuleInit } from '@nestjs/common';
import { scrapedGauge } from '@app/common';
import { DataSource } from 'typeorm';

@Injectable()
export class SyncMetrics implements OnModuleInit {
  constructor(private readonly db: DataSource) {}

  onModuleInit(): void {
    scrapedGauge(
      'item_seconds_since_last_sync',
      'Seconds since each item last synced successfully (since it was linked, if never)',
      ['item_id'],
      async () => {
        const rows = await this.db.query<{ item_id: string; seconds: number }[]>(
          `SELECT item_id, extract(epoch FROM now() - coalesce(last_synced_at, created_at))::float8 AS seconds FROM items`,
        );
        return rows.map((r) => ({ labels: { item_id: r.item_id }, value: Number(r.seconds) }));
      },
    );
  }
}
