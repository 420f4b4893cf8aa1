import { randomBytes } from 'node:crypto';
import { Api, expectErrorShape, signupAndLogin } from './support/api';

// The refusals of the event stream's two routes: everything that is decided before a stream opens, so every
// answer here is a JSON error. The stream itself needs plaid-link's change feed (see the feed's own suite).
describe('event stream tickets', () => {
  const api = new Api();

  it('issues a single-use ticket to a signed-in user', async () => {
    const user = await signupAndLogin(api, 'ticket');

    const res = await api.post('/v1/events/ticket', undefined, user.accessToken);

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ticket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresIn: 30 });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('issues no ticket without a bearer token', async () => {
    const res = await api.post('/v1/events/ticket');

    expect(res.status).toBe(401);
    expectErrorShape(res.body, 401, 'UNAUTHORIZED');
  });

  it('answers 429 past the outstanding tickets a session may hold', async () => {
    const user = await signupAndLogin(api, 'ticket-cap');
    for (let i = 0; i < 20; i += 1)
      expect((await api.post('/v1/events/ticket', undefined, user.accessToken)).status).toBe(201);

    const res = await api.post('/v1/events/ticket', undefined, user.accessToken);

    expect(res.status).toBe(429);
    expectErrorShape(res.body, 429, 'RATE_LIMITED');
    expect(res.headers.get('retry-after')).toBe('30');
  });

  it('refuses a stream with neither a ticket nor a bearer token', async () => {
    const res = await api.get('/v1/events');

    expect(res.status).toBe(401);
    expectErrorShape(res.body, 401, 'UNAUTHORIZED');
  });

  it('refuses a malformed ticket with 400, without echoing it', async () => {
    const ticket = 'not-a-ticket-but-a-secret-looking-value';

    const res = await api.get(`/v1/events?ticket=${ticket}`);

    expect(res.status).toBe(400);
    expectErrorShape(res.body, 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(res.body)).not.toContain(ticket);
  });

  it('refuses a ticket nobody issued', async () => {
    const ticket = randomBytes(32).toString('base64url');

    const res = await api.get(`/v1/events?ticket=${ticket}`);

    expect(res.status).toBe(401);
    expectErrorShape(res.body, 401, 'UNAUTHORIZED');
    expect(JSON.stringify(res.body)).not.toContain(ticket);
  });

  it('refuses the ticket of a session logged out since it was issued', async () => {
    const user = await signupAndLogin(api, 'ticket-logout');
    const { ticket } = (await api.post('/v1/events/ticket', undefined, user.accessToken)).body as {
      ticket: string;
    };
    expect((await api.post('/v1/auth/logout', undefined, user.accessToken)).status).toBe(204);

    const res = await api.get(`/v1/events?ticket=${ticket}`);

    expect(res.status).toBe(401);
    expectErrorShape(res.body, 401, 'UNAUTHORIZED');
  });

  it('refuses a revoked bearer token on the stream', async () => {
    const user = await signupAndLogin(api, 'stream-logout');
    expect((await api.post('/v1/auth/logout', undefined, user.accessToken)).status).toBe(204);

    const res = await api.get('/v1/events', user.accessToken);

    expect(res.status).toBe(401);
  });

  it('documents both routes under the events tag', async () => {
    const res = await api.get('/docs/openapi.json');

    expect(res.body.paths['/v1/events'].get.tags).toEqual(['events']);
    expect(Object.keys(res.body.paths['/v1/events'].get.responses['200'].content)).toEqual([
      'text/event-stream',
    ]);
    expect(res.body.paths['/v1/events/ticket'].post.tags).toEqual(['events']);
  });
});
