import { Api, startExtra } from './support/api';
import { freePort } from './support/processes';
import { waitFor } from './support/wait-for';

// What a browser is told by every gateway answer: CORS only for listed origins, and the headers that keep pages
// from being framed, sniffed, leaking their URL or running inline script.
const ALLOWED = 'http://localhost:5173';
const ALSO_ALLOWED = 'https://app.example.com';
const REFUSED = 'https://evil.example';

function corsHeaders(headers: Headers): Record<string, string> {
  return Object.fromEntries([...headers].filter(([name]) => name.startsWith('access-control-')));
}

describe('gateway browser security', () => {
  const api = new Api();

  describe('security headers', () => {
    it.each([
      ['GET', '/health/live', 200],
      ['GET', '/v1/nope', 404],
      ['GET', '/v1/auth/me', 401],
      ['POST', '/v1/auth/login', 400],
      ['GET', '/docs', 200],
      ['GET', '/docs/openapi.json', 200],
      ['GET', '/v1/items/%E0%A4%A', 400],
    ])('sets them on %s %s (%i)', async (method, path, status) => {
      const res = await api.request(method, path, { rawBody: method === 'POST' ? '{"email":' : undefined });

      expect(res.status).toBe(status);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    });

    it('sends no Strict-Transport-Security over plain http', async () => {
      const res = await api.get('/health/live');

      expect(res.headers.get('strict-transport-security')).toBeNull();
    });

    it('sends Strict-Transport-Security when a trusted proxy says the request came over https', async () => {
      const res = await api.request('GET', '/v1/nope', { headers: { 'x-forwarded-proto': 'https' } });

      expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d{8,}/);
    });

    it('allows no inline script on pages and serves every script of Swagger UI from the gateway', async () => {
      const res = await fetch(`${api.baseUrl}/docs`);
      const html = await res.text();
      const policy = res.headers.get('content-security-policy') ?? '';
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];

      expect(policy).toMatch(/(^|;)\s*script-src 'self'\s*(;|$)/);
      expect(policy).toMatch(/(^|;)\s*script-src-attr 'none'/);
      expect(policy).toContain("object-src 'none'");
      expect(policy).not.toMatch(/unsafe-eval/);
      expect(scripts.length).toBeGreaterThanOrEqual(3);
      expect(html).not.toMatch(/\son[a-z]+\s*=/i);
      for (const [, attributes, body] of scripts) {
        expect(body.trim()).toBe('');
        const src = /src=["']([^"']+)["']/.exec(attributes)?.[1];
        expect(src).toBeDefined();
        const url = new URL(src ?? '', res.url);
        expect(url.origin).toBe(api.baseUrl);
        const script = await fetch(url);
        expect(script.status).toBe(200);
        expect(script.headers.get('content-type')).toMatch(/javascript/);
      }
    });
  });

  describe('CORS when no origin is listed (the default)', () => {
    it('sends no CORS header to a cross-origin request', async () => {
      const res = await api.request('GET', '/health/live', { headers: { origin: ALLOWED } });

      expect(res.status).toBe(200);
      expect(corsHeaders(res.headers)).toEqual({});
    });

    it('does not answer a preflight', async () => {
      const res = await api.request('OPTIONS', '/v1/auth/login', {
        headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
      });

      expect(res.status).toBe(404);
      expect(corsHeaders(res.headers)).toEqual({});
    });
  });

  describe('with CORS_ORIGINS and TRUST_PROXY=false', () => {
    let gateway: ReturnType<typeof startExtra>;
    let cors: Api;

    beforeAll(async () => {
      const port = await freePort();
      gateway = startExtra('gateway-0', {
        PORT: String(port),
        CORS_ORIGINS: `${ALLOWED}, ${ALSO_ALLOWED}`,
        CORS_MAX_AGE_SECONDS: '600',
        TRUST_PROXY: 'false',
      });
      cors = new Api(`http://127.0.0.1:${port}`);
      await waitFor(async () => (await fetch(`${cors.baseUrl}/health/live`)).status === 200, {
        what: 'CORS gateway live',
      });
    });

    afterAll(async () => {
      await gateway.stop();
    });

    it.each([ALLOWED, ALSO_ALLOWED])('lets %s read answers with credentials', async (origin) => {
      const res = await cors.request('GET', '/v1/nope', { headers: { origin } });

      expect(res.status).toBe(404);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-expose-headers')).toMatch(/x-request-id/i);
      expect(res.headers.get('vary')).toMatch(/origin/i);
    });

    // /v1/auth/me takes a bearer token: the preflight (which never carries one) must not meet the guard.
    it.each(['/v1/auth/login', '/v1/auth/me'])(
      'answers a preflight to %s from a listed origin, cached for CORS_MAX_AGE_SECONDS',
      async (path) => {
        const res = await cors.request('OPTIONS', path, {
          headers: {
            origin: ALLOWED,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization, content-type',
          },
        });

        expect(res.status).toBe(200);
        expect(res.body).toBeUndefined();
        expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
        expect(res.headers.get('access-control-allow-credentials')).toBe('true');
        expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
        expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/authorization/);
        expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/content-type/);
        expect(res.headers.get('access-control-max-age')).toBe('600');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      },
    );

    it.each([REFUSED, 'null', `${ALLOWED}.evil.example`, 'http://localhost:5174'])(
      'sends no CORS header to %s',
      async (origin) => {
        const res = await cors.request('GET', '/health/live', { headers: { origin } });

        expect(res.status).toBe(200);
        expect(corsHeaders(res.headers)).toEqual({});
      },
    );

    it('refuses a preflight from an origin not listed, with no CORS header', async () => {
      const res = await cors.request('OPTIONS', '/v1/auth/login', {
        headers: { origin: REFUSED, 'access-control-request-method': 'POST' },
      });

      expect(res.status).toBe(404);
      expect(corsHeaders(res.headers)).toEqual({});
    });

    it('never answers with a wildcard origin', async () => {
      const answers = await Promise.all(
        [ALLOWED, REFUSED, '*'].map((origin) => cors.request('GET', '/health/live', { headers: { origin } })),
      );

      for (const res of answers) expect(res.headers.get('access-control-allow-origin')).not.toBe('*');
    });

    it('sends no Strict-Transport-Security when an untrusted peer claims https', async () => {
      const res = await cors.request('GET', '/health/live', { headers: { 'x-forwarded-proto': 'https' } });

      expect(res.headers.get('strict-transport-security')).toBeNull();
    });
  });
});
