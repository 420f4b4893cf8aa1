import { isAppRoute } from './web-app';

describe('isAppRoute', () => {
  const html = 'text/html,application/xhtml+xml,*/*;q=0.8';

  it('answers the app for a page navigation to one of its paths', () => {
    expect(isAppRoute({ url: '/transactions?pending=true', headers: { accept: html } })).toBe(true);
    expect(isAppRoute({ url: '/items', headers: { accept: html } })).toBe(true);
  });

  it('never shadows the API, the docs, the probes, metrics or the assets', () => {
    for (const url of ['/v1', '/v1/nope', '/docs', '/docs/x', '/health/live', '/metrics', '/assets/x'])
      expect(isAppRoute({ url, headers: { accept: html } })).toBe(false);
  });

  it('leaves requests that do not ask for HTML and paths with a file extension to the 404', () => {
    expect(isAppRoute({ url: '/items', headers: { accept: '*/*' } })).toBe(false);
    expect(isAppRoute({ url: '/items', headers: {} })).toBe(false);
    expect(isAppRoute({ url: '/favicon.ico', headers: { accept: html } })).toBe(false);
  });

  it('serves a path that only starts like a reserved one', () => {
    expect(isAppRoute({ url: '/v1x', headers: { accept: html } })).toBe(true);
  });
});
