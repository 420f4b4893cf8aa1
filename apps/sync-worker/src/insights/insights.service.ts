import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  type SpendingDto,
  type SpendingRequest,
  type SpendingTotalDto,
} from '@app/contracts';
import { InsightsRepository } from './insights.repository';

// Spending insights over the user's transactions with their effective fields (edits, rules, transfer pairs).
@Injectable()
export class InsightsService {
  constructor(private readonly insights: InsightsRepository) {}

  async spending(req: SpendingRequest): Promise<SpendingDto> {
    if (req.from && req.to && req.from > req.to) {
      throw new DomainError(ErrorCode.ValidationFailed, 'from is after to', [
        { field: 'from', messages: ['from must not be after to'] },
      ]);
    }
    const groupBy = req.groupBy ?? 'category';
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
