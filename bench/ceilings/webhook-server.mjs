// Ceiling of webhook intake: a bare Fastify endpoint that does what the gateway must do for a Plaid webhook —
// ES256 JWT verification with node:crypto on a KeyObject, as the gateway does (key fetched once from the
// emulator), iat at most 5 minutes old, SHA-256 of the raw body
// equal to the claim (constant time) — then publishes the body persistent with a publisher confirm
// (amqplib ConfirmChannel) to a scratch durable queue before answering 200.
// Env: PORT, SANDBOX_URL, CLIENT_ID, SECRET, RABBITMQ_URL, QUEUE. Prints "listening" when up.
import { createHash, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import amqp from 'amqplib';
import Fastify from 'fastify';

const { PORT, SANDBOX_URL, CLIENT_ID, SECRET, RABBITMQ_URL, QUEUE } = process.env;
const keys = new Map();

async function key(kid) {
  let k = keys.get(kid);
  if (!k) {
    k = (async () => {
      const res = await fetch(`${SANDBOX_URL}/webhook_verification_key/get`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: CLIENT_ID, secret: SECRET, key_id: kid }),
      });
      const { key: jwk } = await res.json();
      return createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
    })();
    keys.set(kid, k);
  }
  return k;
}

const connection = await amqp.connect(RABBITMQ_URL, { noDelay: true });
const channel = await connection.createConfirmChannel();
await channel.assertQueue(QUEUE, { durable: true });

const app = Fastify({ logger: false });
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/v1/webhooks/plaid', async (request, reply) => {
  const raw = request.body;
  const header = request.headers['plaid-verification'];
  try {
    const [h, p, sig] = header.split('.');
    const { alg, kid } = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    if (alg !== 'ES256') throw new Error('alg');
    const signature = Buffer.from(sig, 'base64url');
    const ok = verify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      { key: await key(kid), dsaEncoding: 'ieee-p1363' },
      signature,
    );
    if (!ok || signature.length !== 64) throw new Error('signature');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    const age = Math.floor(Date.now() / 1000) - payload.iat;
    if (typeof payload.iat !== 'number' || age > 300 || age < -5) throw new Error('iat');
    const actual = createHash('sha256').update(raw).digest();
    if (!timingSafeEqual(actual, Buffer.from(String(payload.request_body_sha256), 'hex')))
      throw new Error('hash');
  } catch {
    return reply.code(401).send({ ok: false });
  }
  const body = JSON.parse(raw.toString('utf8'));
  const message = Buffer.from(JSON.stringify({ pattern: 'plaid.webhook.transactions.v1', data: { body } }));
  await new Promise((resolve, reject) =>
    channel.sendToQueue(QUEUE, message, { persistent: true, contentType: 'application/json' }, (err) =>
      err ? reject(err) : resolve(),
    ),
  );
  return { received: true };
});

await app.listen({ port: Number(PORT), host: '127.0.0.1' });
process.stdout.write('listening\n');
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => connection.close())
    .then(() => process.exit(0));
});
