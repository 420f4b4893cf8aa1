import { Injectable } from '@nestjs/common';
import {
  type AccountDto,
  type ExportProfileResponse,
  type ItemDto,
  MessagePattern as P,
  type TransactionPageDto,
} from '@app/contracts';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { Rpc } from '../rpc/rpc';
import { columnsFor, csvLine, flatten, type Row } from './csv';
import { ZipWriter } from './zip-writer';

// Transactions are read in pages of this many (the largest page the list answers).
const PAGE = 500;
// The longest range GET /v1/accounts/:id/balances answers.
const BALANCE_HISTORY_DAYS = 3660;

// The small parts of an export, read before the first byte is sent (a failure is then still a clean error).
export interface ExportSnapshot {
  user: AuthenticatedUser;
  exportedAt: string;
  auth: ExportProfileResponse;
  items: ItemDto[];
  accounts: AccountDto[];
}

// One table of the export: its known columns and its rows (all in hand, or read page by page).
interface Table {
  name: string;
  columns: readonly string[];
  pages: () => AsyncIterable<Row[]>;
}

// GET /v1/export: everything the services hold of the user, streamed. The gateway has no database: it reads each
// service over the broker, transactions page by page through the same projection as GET /v1/transactions (so
// the user's edits come with them), and writes each page out before it reads the next. Memory stays one page.
@Injectable()
export class ExportService {
  constructor(private readonly rpc: Rpc) {}

  async snapshot(user: AuthenticatedUser): Promise<ExportSnapshot> {
    const [auth, items, accounts] = await Promise.all([
      this.rpc.send(P.AuthExportProfile, { userId: user.userId, sessionId: user.sessionId }),
      this.rpc.send(P.ItemsList, { userId: user.userId }),
      // Everything the user has, hidden accounts and transactions included.
      this.rpc.send(P.AccountsList, { userId: user.userId, includeHidden: true }),
    ]);
    return { user, exportedAt: new Date().toISOString(), auth, items: items.data, accounts: accounts.data };
  }

  // One JSON document: { exportedAt, profile, sessions, items, accounts, balances, balanceHistory, rules,
  // recurring, transactions }.
  async *json(s: ExportSnapshot): AsyncGenerator<string> {
    yield `{"format":"plaid-backend-export","version":1,"exportedAt":${JSON.stringify(s.exportedAt)}`;
    yield `,"profile":${JSON.stringify(s.auth.profile)}`;
    for (const table of this.tables(s).slice(1)) {
      yield `,${JSON.stringify(table.name)}:[`;
      let first = true;
      for await (const rows of table.pages()) {
        if (rows.length === 0) continue;
        yield `${first ? '' : ','}${rows.map((r) => JSON.stringify(r)).join(',')}`;
        first = false;
      }
      yield ']';
    }
    yield '}\n';
  }

  // A zip with one CSV per table, each with a header row.
  async *csvZip(s: ExportSnapshot): AsyncGenerator<Buffer> {
    const zip = new ZipWriter();
    for (const table of this.tables(s)) yield* zip.file(`${table.name}.csv`, csvChunks(table));
    yield zip.finish();
  }

  private tables(s: ExportSnapshot): Table[] {
    const inHand = (rows: Row[]) =>
      async function* (): AsyncIterable<Row[]> {
        yield rows;
      };
    return [
      { name: 'profile', columns: ['id', 'email', 'createdAt'], pages: inHand([{ ...s.auth.profile }]) },
      {
        name: 'sessions',
        columns: ['id', 'createdAt', 'lastUsedAt', 'userAgent', 'ip', 'current'],
        pages: inHand(s.auth.sessions.map((x) => ({ ...x }))),
      },
      {
        name: 'items',
        columns: [
          'id',
          'institutionId',
          'institutionName',
          'status',
          'error_code',
          'error_message',
          'consentExpiresAt',
          'lastSyncedAt',
          'newAccountsAvailable',
          'createdAt',
        ],
        pages: inHand(s.items.map((x) => ({ ...x }))),
      },
      {
        name: 'accounts',
        columns: ['id', 'itemId', 'name', 'officialName', 'mask', 'type', 'subtype'],
        pages: inHand(s.accounts.map(({ balances: _balances, ...account }) => account)),
      },
      {
        name: 'balances',
        columns: ['accountId', 'available', 'current', 'limit', 'isoCurrencyCode'],
        pages: inHand(s.accounts.map((a) => ({ accountId: a.id, ...a.balances }))),
      },
      {
        name: 'balanceHistory',
        columns: ['accountId', 'date', 'available', 'current', 'limit', 'isoCurrencyCode'],
        pages: () => this.balanceHistoryPages(s.user.userId, s.accounts),
      },
      {
        name: 'rules',
        columns: ['id', 'name', 'priority', 'createdAt', 'updatedAt'],
        pages: () => this.rulesPages(s.user.userId),
      },
      {
        name: 'recurring',
        columns: [
          'id',
          'accountId',
          'itemId',
          'direction',
          'description',
          'merchantName',
          'frequency',
          'status',
        ],
        pages: () => this.recurringPages(s.user.userId),
      },
      {
        name: 'transactions',
        columns: [
          'id',
          'accountId',
          'itemId',
          'amount',
          'isoCurrencyCode',
          'date',
          'authorizedDate',
          'name',
          'merchantName',
          'pending',
          'category_primary',
          'category_detailed',
        ],
        pages: () => this.transactionPages(s.user.userId),
      },
    ];
  }

  private balanceHistoryPages(userId: string, accounts: readonly AccountDto[]): AsyncIterable<Row[]> {
    return balanceHistoryPagesOf(this.rpc, userId, accounts);
  }

  private async *rulesPages(userId: string): AsyncIterable<Row[]> {
    yield (await this.rpc.send(P.RulesList, { userId })).data as unknown as Row[];
  }

  private async *recurringPages(userId: string): AsyncIterable<Row[]> {
    const r = await this.rpc.send(P.RecurringList, { userId });
    yield [
      ...r.inflows.map((x) => ({ direction: 'inflow', ...x })),
      ...r.outflows.map((x) => ({ direction: 'outflow', ...x })),
    ];
  }

  private async *transactionPages(userId: string): AsyncIterable<Row[]> {
    let cursor: string | undefined;
    do {
      const text: string = await this.rpc.send(P.TransactionsList, {
        userId,
        limit: PAGE,
        cursor,
        includeHidden: true,
      });
      const page = JSON.parse(text) as TransactionPageDto;
      yield page.data as unknown as Row[];
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}

// The balances the system learned, one row per account and day (the days carried forward left out), account by
// account over the longest range the series answers.
async function* balanceHistoryPagesOf(
  rpc: Rpc,
  userId: string,
  accounts: readonly AccountDto[],
): AsyncIterable<Row[]> {
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - BALANCE_HISTORY_DAYS * 86_400_000).toISOString().slice(0, 10);
  for (const account of accounts) {
    const series = await rpc.send(P.AccountBalances, { userId, accountId: account.id, from, to });
    yield series.data
      .filter((p) => !p.carriedForward)
      .map(({ carriedForward: _carried, ...p }) => ({ accountId: account.id, ...p }));
  }
}

async function* csvChunks(table: Table): AsyncIterable<string> {
  let columns: string[] | undefined;
  for await (const rows of table.pages()) {
    const flat = rows.map((r) => flatten(r));
    if (!columns) {
      columns = columnsFor(table.columns, flat[0]);
      yield csvLine(columns);
    }
    const cols = columns;
    if (flat.length > 0) yield flat.map((r) => csvLine(cols.map((c) => r[c]))).join('');
  }
  if (!columns) yield csvLine(table.columns);
}
