// Ceiling of sync ingest: the same rows written into a table shaped like sync.transactions by a minimal script.
// Methods (500-row pages, one transaction per page, one connection, fresh table each):
//  - copy:   COPY … FROM STDIN (text format) → temp table → INSERT … SELECT … ON CONFLICT DO UPDATE
//            (pg-copy-streams is not installed; CopyFrom below is the same few lines of pg's Submittable API)
//  - unnest: the sync-worker's own upsert statement and parameters (imported from its build, bench/exports.ts:
//            unnest arrays, the user's rules, the pending → posted move of edits), with `transactions` resolved
//            to the ceiling table by the search path
import pg from 'pg';
import { benchExports } from './list-sql.mjs';

const COLUMNS = [
  'plaid_transaction_id',
  'item_id',
  'user_id',
  'account_id',
  'amount',
  'iso_currency_code',
  'unofficial_currency_code',
  'date',
  'authorized_date',
  'datetime',
  'authorized_datetime',
  'name',
  'merchant_name',
  'pending',
  'pending_transaction_id',
  'payment_channel',
  'category_primary',
  'category_detailed',
  'logo_url',
];

const UPDATE_SET = `account_id = EXCLUDED.account_id, amount = EXCLUDED.amount, iso_currency_code = EXCLUDED.iso_currency_code,
  unofficial_currency_code = EXCLUDED.unofficial_currency_code, date = EXCLUDED.date,
  authorized_date = EXCLUDED.authorized_date, datetime = EXCLUDED.datetime,
  authorized_datetime = EXCLUDED.authorized_datetime, name = EXCLUDED.name,
  merchant_name = EXCLUDED.merchant_name, pending = EXCLUDED.pending,
  pending_transaction_id = EXCLUDED.pending_transaction_id, payment_channel = EXCLUDED.payment_channel,
  category_primary = EXCLUDED.category_primary, category_detailed = EXCLUDED.category_detailed,
  logo_url = EXCLUDED.logo_url, updated_at = now()`;

// COPY FROM STDIN through pg's Submittable interface: send the query, answer CopyInResponse with the data.
class CopyFrom {
  constructor(text, data) {
    this.text = text;
    this.data = data;
  }
  submit(connection) {
    connection.query(this.text);
  }
  handleCopyInResponse(connection) {
    connection.sendCopyFromChunk(this.data);
    connection.endCopyFrom();
  }
  handleError(err) {
    this.error = err;
  }
  handleReadyForQuery() {
    this.callback(this.error);
  }
  handleCommandComplete() {}
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
  handlePortalSuspended() {}
  handleCopyData() {}
}

const copy = (client, text, data) =>
  new Promise((resolve, reject) =>
    client.query(new CopyFrom(text, data), (err) => (err ? reject(err) : resolve())),
  );

function copyField(v) {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return String(v).replace(
    /[\\\n\r\t]/g,
    (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c],
  );
}

// A Plaid transaction as the columns the sync-worker writes (the COPY method's rows; the unnest method uses the
// writer's own mapping).
function values(t, itemId, userId, accountUuid) {
  return [
    t.transaction_id,
    itemId,
    userId,
    accountUuid,
    t.amount,
    t.iso_currency_code ?? null,
    t.unofficial_currency_code ?? null,
    t.date,
    t.authorized_date ?? null,
    t.datetime ?? null,
    t.authorized_datetime ?? null,
    t.name ?? t.merchant_name ?? '',
    t.merchant_name ?? null,
    t.pending,
    t.pending_transaction_id ?? null,
    t.payment_channel ? String(t.payment_channel) : null,
    t.personal_finance_category?.primary ?? null,
    t.personal_finance_category?.detailed ?? null,
    t.logo_url ?? null,
  ];
}

const pages = (rows, size) =>
  Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, (i + 1) * size));

// Fetches every transaction of a fresh emulator item through /transactions/sync (500 per page), as the worker does.
export async function fetchEmulatorTransactions(sandboxUrl, clientId, secret) {
  const post = async (path, body) => {
    const res = await fetch(`${sandboxUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: clientId, secret, ...body }),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const { public_token } = await post('/sandbox/public_token/create', {
    institution_id: 'ins_109508',
    initial_products: ['transactions'],
  });
  const { access_token } = await post('/item/public_token/exchange', { public_token });
  const t0 = performance.now();
  const added = [];
  let cursor;
  for (;;) {
    const page = await post('/transactions/sync', { access_token, cursor, count: 500 });
    added.push(...page.added, ...page.modified);
    cursor = page.next_cursor;
    if (!page.has_more) break;
  }
  return { transactions: added, fetchSeconds: (performance.now() - t0) / 1000 };
}

export async function ingestCeiling(databaseUrl, { itemId, userId, transactions, pageSize = 500 }) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // The bench item's accounts stand in for the ceiling item's (the FK to sync.accounts is kept).
    const { rows: accounts } = await client.query(
      'SELECT id, plaid_account_id FROM sync.accounts WHERE item_id = $1 ORDER BY plaid_account_id',
      [itemId],
    );
    if (accounts.length === 0) throw new Error('bench item has no accounts');
    const plaidAccounts = [...new Set(transactions.map((t) => t.account_id))].sort();
    const byPlaid = new Map(plaidAccounts.map((a, i) => [a, accounts[i % accounts.length]]));
    const rows = transactions.map((t) => ({ ...t, account_id: byPlaid.get(t.account_id).plaid_account_id }));
    const uuidOf = new Map(accounts.map((a) => [a.plaid_account_id, a.id]));

    await client.query('CREATE SCHEMA IF NOT EXISTS bench');
    await client.query('DROP TABLE IF EXISTS bench.transactions');
    await client.query('CREATE TABLE bench.transactions (LIKE sync.transactions INCLUDING ALL)');
    await client.query(`ALTER TABLE bench.transactions
      ADD FOREIGN KEY (item_id) REFERENCES sync.items(item_id) ON DELETE CASCADE,
      ADD FOREIGN KEY (account_id) REFERENCES sync.accounts(id) ON DELETE CASCADE`);
    await client.query(
      `CREATE TEMP TABLE tx_stage ON COMMIT DELETE ROWS AS SELECT ${COLUMNS.join(', ')} FROM bench.transactions WITH NO DATA`,
    );

    const results = {};
    const fresh = async () => {
      await client.query('TRUNCATE bench.transactions');
      await client.query('VACUUM ANALYZE bench.transactions');
    };

    await fresh();
    let t0 = performance.now();
    for (const page of pages(rows, pageSize)) {
      const text = page
        .map((t) => values(t, itemId, userId, uuidOf.get(t.account_id)).map(copyField).join('\t'))
        .join('\n');
      await client.query('BEGIN');
      await copy(client, `COPY tx_stage (${COLUMNS.join(', ')}) FROM STDIN`, Buffer.from(`${text}\n`));
      await client.query(`INSERT INTO bench.transactions (${COLUMNS.join(', ')})
        SELECT ${COLUMNS.join(', ')} FROM tx_stage
        ON CONFLICT (plaid_transaction_id) DO UPDATE SET ${UPDATE_SET}`);
      await client.query('COMMIT');
    }
    results.copy = rate(rows.length, t0);
    results.copy.written = Number(
      (await client.query('SELECT count(*) FROM bench.transactions')).rows[0].count,
    );

    await fresh();
    const { TRANSACTIONS_UPSERT_SQL, transactionsUpsertParams } = benchExports();
    // The statement names its tables unqualified: `transactions` is the ceiling table, the rest sync's own.
    await client.query('SET search_path = bench, sync');
    t0 = performance.now();
    for (const page of pages(rows, pageSize)) {
      await client.query('BEGIN');
      await client.query(TRANSACTIONS_UPSERT_SQL, transactionsUpsertParams(itemId, userId, page).params);
      await client.query('COMMIT');
    }
    await client.query('RESET search_path');
    results.unnest = rate(rows.length, t0);
    results.unnest.written = Number(
      (await client.query('SELECT count(*) FROM bench.transactions')).rows[0].count,
    );
    await client.query('DROP TABLE bench.transactions');
    return results;
  } finally {
    await client.end();
  }
}

function rate(rows, t0) {
  const seconds = (performance.now() - t0) / 1000;
  return { rows, seconds, rowsPerSecond: rows / seconds };
}
