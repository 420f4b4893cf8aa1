import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type SpendingDto, type SpendingRequest } from '@app/contracts';
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
    return {
      groupBy,
      groups: result.rows
        .filter((r) => !r.total)
        .map((r) => ({
          key: r.key,
          currency: r.currency,
          outflow: money(r.outflow),
          inflow: money(r.inflow),
          count: r.count,
        })),
      totals: result.rows
        .filter((r) => r.total)
        .map((r) => ({
          currency: r.currency,
          outflow: money(r.outflow),
          inflow: money(r.inflow),
          count: r.count,
        })),
    };
  }
}
