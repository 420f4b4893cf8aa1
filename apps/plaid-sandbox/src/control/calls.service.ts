import { Injectable } from '@nestjs/common';

export interface CallCounts {
  total: number;
  by_endpoint: Record<string, number>;
  by_item: Record<string, Record<string, number>>;
}

/** Counts Plaid API calls received, per endpoint and per Item, for tests asserting on call volume. */
@Injectable()
export class CallsService {
  private readonly counts = new Map<string, number>();

  record(endpoint: string, itemId: string | null): void {
    const key = `${itemId ?? ''}\n${endpoint}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  query(filter: { itemId?: string; endpoint?: string }): CallCounts {
    const result: CallCounts = { total: 0, by_endpoint: {}, by_item: {} };
    for (const [key, n] of this.counts) {
      const [itemId, endpoint] = key.split('\n');
      if (filter.itemId && itemId !== filter.itemId) continue;
      if (filter.endpoint && endpoint !== filter.endpoint) continue;
      result.total += n;
      result.by_endpoint[endpoint] = (result.by_endpoint[endpoint] ?? 0) + n;
      if (itemId) {
        const perItem = (result.by_item[itemId] ??= {});
        perItem[endpoint] = (perItem[endpoint] ?? 0) + n;
      }
    }
    return result;
  }

  reset(): void {
    this.counts.clear();
  }
}
