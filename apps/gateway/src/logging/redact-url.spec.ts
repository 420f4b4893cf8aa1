import { redactUrl, serializeRequest } from './redact-url';

describe(redactUrl.name, () => {
  it.each([
    ['/v1/events?ticket=abc_DEF-123', '/v1/events?ticket=[redacted]'],
    ['/v1/events?lastEventId=4&ticket=abc&x=1', '/v1/events?lastEventId=4&ticket=[redacted]&x=1'],
    ['/v1/events?ticket=a&ticket=b', '/v1/events?ticket=[redacted]&ticket=[redacted]'],
    ['/v1/events?TICKET=abc', '/v1/events?TICKET=[redacted]'],
    ['/v1/events?ticket=', '/v1/events?ticket=[redacted]'],
  ])('hides the ticket in %p', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('leaves other URLs as they are', () => {
    expect(redactUrl('/v1/items?cursor=abc&subticket=1')).toBe('/v1/items?cursor=abc&subticket=1');
    expect(redactUrl('/v1/events')).toBe('/v1/events');
  });
});

describe(serializeRequest.name, () => {
  it('logs the id, the method and the URL without its ticket', () => {
    const req = {
      id: 'r-1',
      method: 'GET',
      url: '/v1/events?ticket=secret',
      headers: { authorization: 'x' },
    };

    expect(serializeRequest(req)).toEqual({ id: 'r-1', method: 'GET', url: '/v1/events?ticket=[redacted]' });
  });
});
