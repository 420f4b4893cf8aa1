import { allQueues } from '@app/contracts';
import amqp from 'amqplib';
import { Api, expectErrorShape, runInfo, startExtra } from './support/api';
import { freePort } from './support/processes';
import { waitFor } from './support/wait-for';

describe('gateway edge', () => {
  const api = new Api();

  it('answers 404 in the error shape for an unknown route and echoes X-Request-Id', async () => {
    const res = await api.request('GET', '/v1/nope', { headers: { 'x-request-id': 'test-req-42' } });
    expect(res.status).toBe(404);
    expectErrorShape(res.body, 404, 'NOT_FOUND');
    expect(res.body.requestId).toBe('test-req-42');
    expect(res.headers.get('x-request-id')).toBe('test-req-42');
  });

  it('generates a request id when none is sent', async () => {
    const res = await api.get('/health/live');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports ready when the broker and every service answer, naming the checks only on the metrics port', async () => {
    const res = await api.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    const details = await fetch(`${runInfo().gatewayMetrics[0]}/health/ready`);
    expect(details.status).toBe(200);
    expect(((await details.json()) as { checks: unknown }).checks).toEqual({
      broker: 'up',
      revocations: 'up',
      userEvents: 'up',
      auth: 'up',
      'plaid-link': 'up',
      'sync-worker': 'up',
    });
  });

  it('serves the OpenAPI document and Swagger UI at /docs', async () => {
    const doc = await api.get('/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/auth/signup', '/v1/auth/login', '/v1/auth/me']),
    );
    const ui = await fetch(`${api.baseUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  describe('when no service consumes its queues', () => {
    const prefix = `${runInfo().queuePrefix}orphan.`;
    let port: number;
    let gateway: ReturnType<typeof startExtra>;

    beforeAll(async () => {
      port = await freePort();
      gateway = startExtra('gateway-0', {
        PORT: String(port),
        QUEUE_PREFIX: prefix,
        RPC_TIMEOUT_MS: '800',
        HEALTH_TIMEOUT_MS: '500',
      });
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).status === 200, {
        what: 'orphan gateway live',
      });
    });

    afterAll(async () => {
      await gateway.stop();
      const conn = await amqp.connect(runInfo().rabbitmqUrl);
      const ch = await conn.createChannel();
      for (const q of allQueues(prefix)) await ch.deleteQueue(q);
      await ch.deleteExchange(`${prefix}auth.revocations`);
      await conn.close();
    });

    it('turns an unanswered call into 504 instead of hanging', async () => {
      const orphan = new Api(`http://127.0.0.1:${port}`);
      const started = Date.now();
      const res = await orphan.post('/v1/auth/signup', {
        email: 'nobody@example.com',
        password: 'long enough',
      });
      expect(res.status).toBe(504);
      expectErrorShape(res.body, 504, 'GATEWAY_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('is live but not ready', async () => {
      const orphan = new Api(`http://127.0.0.1:${port}`);
      expect((await orphan.get('/health/live')).status).toBe(200);
      const ready = await orphan.get('/health/ready');
      expect(ready.status).toBe(503);
      expectErrorShape(ready.body, 503, 'SERVICE_UNAVAILABLE');
    });
  });

  describe('when the broker is unreachable', () => {
    it('answers 503 at once and stays live', async () => {
      const port = await freePort();
      const gateway = startExtra('gateway-0', {
        PORT: String(port),
        RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1',
      });
      try {
        const cut = new Api(`http://127.0.0.1:${port}`);
        await waitFor(async () => (await cut.get('/health/live')).status === 200, {
          what: 'cut-off gateway live',
        });
        const res = await cut.post('/v1/auth/signup', {
          email: 'nobody@example.com',
          password: 'long enough',
        });
        expect(res.status).toBe(503);
        expectErrorShape(res.body, 503, 'SERVICE_UNAVAILABLE');
        expect((await cut.get('/health/ready')).status).toBe(503);
      } finally {
        await gateway.stop();
      }
    });
  });
});
