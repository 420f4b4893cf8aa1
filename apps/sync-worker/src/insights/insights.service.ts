import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  type SpendingDto,
  type SpendingGroupBy,
  type SpendingRequest,
  type SpendingTotalDto,
} from '@app/contracts';
import { TransactionChangesRepository } from '../transactions/transaction-changes.repository';
import { InsightsRepository } from './insights.repository';

// Whole-user answers kept per instance, each with the version of the user's transactions it was computed at.
const CACHE_ENTRIES = 500;
// A bigger answer (merchants of a long history) is computed each time rather than held.
const CACHE_MAX_GROUPS = 2_000;

// Spending insights over the user's transactions with their effective fields (edits, rules, transfer pairs).
// Aggregating 100,000 transactions costs tens of milliseconds of Postgres CPU while a dashboard asks the same
// question again and again: an answer for the whole user (no item or account filter) is reused as long as the
// user's change log has not moved (every write of a transaction, an edit's included, is logged).
@Injectable()
export class InsightsService {
  private readonly cache = new Map<string, { version: string; answer: SpendingDto }>();

  constructor(
    private readonly insights: InsightsRepository,
    private readonly changes: TransactionChangesRepository,
  ) {}

  async spending(req: SpendingRequest): Promise<SpendingDto> {
    if (req.from && req.to && req.from > req.to) {
      throw new DomainError(ErrorCode.ValidationFailed, 'from is after to', [
        { field: 'from', messages: ['from must not be after to'] },
      ]);
    }
    const groupBy = req.groupBy ?? 'category';
    // Filters by item or account are answered fresh: their 404s depend on more than the change log.
    const key = req.itemId || req.accountId ? null : JSON.stringify([req.userId, groupBy, req.from, req.to]);
    const version = key ? await this.changes.latestSeq(req.userId) : null;
    const hit = key ? this.cache.get(key) : undefined;
    if (hit && hit.version === version) return hit.answer;
    const answer = await this.compute(req, groupBy);
    if (key && version !== null && answer.groups.length <= CACHE_MAX_GROUPS) this.remember(key, version, answer);
    return answer;
  }

  private remember(key: string, version: string, answer: SpendingDto): void {
    this.cache.delete(key);
    this.cache.set(key, { version, answer });
    // Oldest first out (a Map iterates in insertion order).
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
  }

  private async compute(req: SpendingRequest, groupBy: SpendingGroupBy): Promise<SpendingDto> {
    const result = await this.insights.spending({
      userId: req.userId,
      groupBy,
      from: req.from ?? null,
      to: req.to ?? null,
      itemId: req.itemId ?? null,
      accountId: req.accountId ?? null,
    });
    if (result.kind === 'not-found') {
      throw new DomainError(
        ErrorCode.NotFound,
        result.missing === 'item' ? 'Item not found' : 'Account not found',
      );
    }
    const money = (n: number): number => Math.round(n * 100) / 100;
    // Per currency, never across currencies: the sums of its groups.
    const totals = new Map<string | null, SpendingTotalDto>();
    for (const r of result.rows) {
      const t = totals.get(r.currency) ?? { currency: r.currency, outflow: 0, inflow: 0, count: 0 };
      t.outflow += r.outflow;
      t.inflow += r.inflow;
      t.count += r.count;
      totals.set(r.currency, t);
    }
    return {
      groupBy,
      groups: result.rows.map((r) => ({
        key: r.key,
        currency: r.currency,
        outflow: money(r.outflow),
        inflow: money(r.inflow),
        count: r.count,
      })),
      totals: [...totals.values()]
        .map((t) => ({ ...t, outflow: money(t.outflow), inflow: money(t.inflow) }))
        .sort((a, b) => (a.currency ?? '~').localeCompare(b.currency ?? '~')),
    };
  }
}
