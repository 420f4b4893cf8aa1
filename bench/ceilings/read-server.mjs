// Ceiling of the read API: a bare Fastify + pg server running the same SQL (rows as JSON built by Postgres) as
// apps/sync-worker/src/transactions/transactions.repository.ts for one fixed user, with no gateway, no broker,
// no auth, no validation. Env: DATABASE_URL, PORT, BENCH_USER_ID, DB_POOL_SIZE. Prints "listening" when up.
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_SIZE ?? 10),
  options: '-c search_path=sync',
});
const userId = process.env.BENCH_USER_ID;

const TRANSACTION_JSON = `json_build_object(
  'id', t.plaid_transaction_id, 'accountId', t.account_id, 'itemId', t.item_id, 'amount', t.amount,
  'isoCurrencyCode', t.iso_currency_code, 'date', t.date, 'authorizedDate', t.authorized_date,
  'datetime', to_char(t.datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'name', t.name, 'merchantName', t.merchant_name, 'pending', t.pending,
  'pendingTransactionId', t.pending_transaction_id, 'paymentChannel', t.payment_channel,
  'category', CASE WHEN coalesce(t.category_primary, '') = '' AND coalesce(t.category_detailed, '') = '' THEN NULL
    ELSE json_build_object('primary', t.category_primary, 'detailed', t.category_detailed) END,
  'logoUrl', t.logo_url)::text`;

const SQL = `SELECT t.id, t.date::text AS date, ${TRANSACTION_JSON} AS json
         FROM transactions t
        WHERE t.user_id = $1
          AND ($2::uuid IS NULL OR t.item_id = $2::uuid)
          AND ($3::uuid IS NULL OR t.account_id = $3::uuid)
          AND ($4::date IS NULL OR t.date >= $4::date)
          AND ($5::date IS NULL OR t.date <= $5::date)
          AND ($6::boolean IS NULL OR t.pending = $6::boolean)
          AND ($7::numeric IS NULL OR t.amount >= $7::numeric)
          AND ($8::numeric IS NULL OR t.amount <= $8::numeric)
          AND ($9::text IS NULL OR t.name ILIKE $9::text OR t.merchant_name ILIKE $9::text)
          AND ($10::date IS NULL OR (t.date, t.id) < ($10::date, $11::uuid))
        ORDER BY t.date DESC, t.id DESC
        LIMIT $12`;

function decodeCursor(raw) {
  const [date, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  return { date, id };
}

const encodeCursor = (c) => Buffer.from(JSON.stringify([c.date, c.id])).toString('base64url');

const app = Fastify({ logger: false });
app.get('/v1/transactions', async (request, reply) => {
  const q = request.query;
  const limit = q.limit ? Number(q.limit) : 50;
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const { rows } = await pool.query(SQL, [
    userId,
    null,
    null,
    null,
    null,
    q.pending === undefined ? null : q.pending === 'true',
    q.minAmount === undefined ? null : Number(q.minAmount),
    q.maxAmount === undefined ? null : Number(q.maxAmount),
    null,
    after?.date ?? null,
    after?.id ?? null,
    limit + 1,
  ]);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  const nextCursor = more && last ? encodeCursor(last) : null;
  reply.type('application/json; charset=utf-8');
  return `{"data":[${page.map((r) => r.json).join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
});

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stdout.write('listening\n');
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0));
});
