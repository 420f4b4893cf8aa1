import { Injectable } from '@nestjs/common';
import {
  type AccountBalancesDto,
  type AccountDto,
  type AccountListDto,
  DomainError,
  ErrorCode,
  type NetWorthDto,
  type NetWorthInterval,
  type NetWorthSeriesDto,
} from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { type AccountPatch, AccountsRepository } from './accounts.repository';
import { AccountWritesService } from './account-writes.service';
import { BalanceSnapshotsRepository, type NetWorthRow } from './balance-snapshots.repository';

const DEFAULT_RANGE_DAYS = 30;
const MAX_RANGE_DAYS = 3660;
const DAY_MS = 86_400_000;

// The accounts read API and the user's own view of an account. Ownership is checked here, where the data is:
// another user's (or an unknown) item or account answers 404.
@Injectable()
export class AccountsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly accounts: AccountsRepository,
    private readonly snapshots: BalanceSnapshotsRepository,
    private readonly writer: AccountWritesService,
  ) {}

  async list(userId: string, itemId?: string, includeHidden = false): Promise<AccountListDto> {
    const data = await this.accounts.listForUser(userId, itemId, includeHidden);
    if (data === null) throw new DomainError(ErrorCode.NotFound, 'Item not found');
    return { data };
  }

  async update(userId: string, accountId: string, patch: AccountPatch): Promise<AccountDto> {
    if (patch.hidden === undefined && patch.displayName === undefined) {
      throw new DomainError(ErrorCode.BadRequest, 'Nothing to change: give hidden or displayName');
    }
    const displayName = typeof patch.displayName === 'string' ? patch.displayName.trim() : patch.displayName;
    if (displayName === '') throw new DomainError(ErrorCode.BadRequest, 'displayName must not be blank');
    const account = await this.uow.run((tx) =>
      this.writer.update(tx, userId, accountId, { hidden: patch.hidden, displayName }),
    );
    if (!account) throw new DomainError(ErrorCode.NotFound, 'Account not found');
    return account;
  }

  async balances(userId: string, accountId: string, from?: string, to?: string): Promise<AccountBalancesDto> {
    const range = dateRange(from, to);
    if (!(await this.accounts.findOwned(userId, accountId))) {
      throw new DomainError(ErrorCode.NotFound, 'Account not found');
    }
    return { accountId, data: await this.snapshots.series(accountId, range.from, range.to) };
  }

  async netWorth(
    userId: string,
    query: { from?: string; to?: string; interval?: NetWorthInterval },
  ): Promise<NetWorthDto> {
    const range = dateRange(query.from, query.to);
    const rows = await this.snapshots.netWorth(userId, range.from, range.to, query.interval ?? 'day');
    const byCurrency = new Map<string, NetWorthSeriesDto>();
    for (const row of rows) {
      const currency = row.currency;
      let entry = byCurrency.get(currency);
      if (!entry) byCurrency.set(currency, (entry = { currency, series: [] }));
      entry.series.push(point(row));
    }
    // The currency with the most at stake on the last day leads; the others follow, never added to it.
    const all = [...byCurrency.values()].sort(
      (a, b) => weight(b) - weight(a) || a.currency.localeCompare(b.currency),
    );
    const [main, ...others] = all.length > 0 ? all : [{ currency: 'USD', series: [] }];
    return { currency: main.currency, series: main.series, otherCurrencies: others };
  }
}

function point(row: NetWorthRow): NetWorthDto['series'][number] {
  const assets = Number(row.assets);
  const liabilities = Number(row.liabilities);
  return { date: row.date, assets, liabilities, netWorth: round(assets - liabilities) };
}

function weight(s: NetWorthSeriesDto): number {
  const last = s.series.at(-1);
  return last ? last.assets + last.liabilities : 0;
}

// Numeric sums come from Postgres exact; only the difference is computed here.
function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

export function dateRange(from?: string, to?: string): { from: string; to: string } {
  const end = to ?? new Date().toISOString().slice(0, 10);
  const start = from ?? new Date(Date.parse(end) - DEFAULT_RANGE_DAYS * DAY_MS).toISOString().slice(0, 10);
  if (start > end) throw new DomainError(ErrorCode.BadRequest, '`from` must not be after `to`');
  if ((Date.parse(end) - Date.parse(start)) / DAY_MS > MAX_RANGE_DAYS) {
    throw new DomainError(ErrorCode.BadRequest, `A range spans at most ${MAX_RANGE_DAYS} days`);
  }
  return { from: start, to: end };
}
