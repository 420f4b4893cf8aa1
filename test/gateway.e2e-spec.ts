import { allQueues } from '@app/contracts';
import amqp from 'amqplib';
import { Api, type ExtraGateway, expectErrorShape, runInfo, startGateway } from './support/api';
import { freePort } from './support/processes';

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
    let gateway: ExtraGateway;

    beforeAll(async () => {
      gateway = await startGateway(
        { QUEUE_PREFIX: prefix, RPC_TIMEOUT_MS: '800', HEALTH_TIMEOUT_MS: '500' },
        { what: 'orphan gateway' },
      );
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
      const orphan = gateway.api;
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
      const orphan = gateway.api;
      expect((await orphan.get('/health/live')).status).toBe(200);
      const ready = await orphan.get('/health/ready');
      expect(ready.status).toBe(503);
      expectErrorShape(ready.body, 503, 'SERVICE_UNAVAILABLE');
    });
  });

  describe('when the broker is unreachable', () => {
    it('answers 503 at once and stays live', async () => {
      const gateway = await startGateway(
        { RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1' },
        { what: 'cut-off gateway' },
      );
      try {
        const cut = gateway.api;
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

describe('gateway edge: metrics, docs and readiness', () => {
  it('serves /metrics only on the metrics port', async () => {
    const res = await fetch(`${runInfo().gateways[0]}/metrics`);
    expect(res.status).toBe(404);
    const metrics = await fetch(`${runInfo().gatewayMetrics[0]}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('http_request_duration_seconds');
  });

  it('does not name what is down on the public port, only on the metrics port; no docs when DOCS_ENABLED=false', async () => {
    const metricsPort = await freePort();
    const gateway = await startGateway({
      RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1',
      METRICS_PORT: String(metricsPort),
      DOCS_ENABLED: 'false',
    });
    try {
      const ready = await new Api(gateway.url).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({
        statusCode: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: 'Not ready',
        requestId: expect.any(String),
      });
      const details = await fetch(`http://127.0.0.1:${metricsPort}/health/ready`);
      expect(details.status).toBe(503);
      expect(((await details.json()) as { checks: Record<string, string> }).checks).toMatchObject({
        broker: 'down',
        auth: 'down',
      });
      expect((await fetch(`${gateway.url}/docs`)).status).toBe(404);
      expect((await fetch(`${gateway.url}/docs/openapi.json`)).status).toBe(404);
    } finally {
      await gateway.proc.stop();
    }
  });
});
