// Ceiling of the read API: a bare Fastify + pg server running the sync worker's own list statement and parameters
// (imported from its build, bench/lib/list-sql.mjs) for one fixed user, with no gateway, no broker, no auth, no
// validation. Env: DATABASE_URL, PORT, BENCH_USER_ID, DB_POOL_SIZE. Prints "listening" when up.
import Fastify from 'fastify';
import pg from 'pg';
import { benchExports } from '../lib/list-sql.mjs';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_SIZE ?? 10),
  options: '-c search_path=sync',
});
const userId = process.env.BENCH_USER_ID;

const { TRANSACTIONS_LIST_SQL: SQL, transactionsListParams } = benchExports();

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
  const { rows } = await pool.query(
    SQL,
    transactionsListParams({
      userId,
      pending: q.pending === undefined ? undefined : q.pending === 'true',
      minAmount: q.minAmount === undefined ? undefined : Number(q.minAmount),
      maxAmount: q.maxAmount === undefined ? undefined : Number(q.maxAmount),
      after,
      limit: limit + 1,
      includeHidden: q.includeHidden === 'true',
    }),
  );
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
