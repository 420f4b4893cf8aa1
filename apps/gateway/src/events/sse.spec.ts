import { sseComment, sseEvent, sseRetry } from './sse';

describe('sse frames', () => {
  it('writes an event with its id, name and JSON data, ended by a blank line', () => {
    expect(sseEvent({ id: 7, event: 'item.updated', data: { itemId: 'i-1' } })).toBe(
      'id: 7\nevent: item.updated\ndata: {"itemId":"i-1"}\n\n',
    );
  });

  it('writes no id line for an event outside the log', () => {
    expect(sseEvent({ event: 'session.revoked', data: {} })).toBe('event: session.revoked\ndata: {}\n\n');
  });

  it('keeps data on one line when its strings hold line breaks', () => {
    const frame = sseEvent({ id: 1, event: 'accounts.changed', data: { name: 'a\nb\r\nc\u2028d' } });

    expect(frame.split('\n')).toEqual(['id: 1', 'event: accounts.changed', expect.any(String), '', '']);
    expect(JSON.parse(frame.split('\n')[2].slice('data: '.length))).toEqual({ name: 'a\nb\r\nc\u2028d' });
  });

  it('writes {} when there is no data, so that the browser still dispatches the event', () => {
    expect(sseEvent({ id: 3, event: 'resync-required', data: undefined })).toBe(
      'id: 3\nevent: resync-required\ndata: {}\n\n',
    );
  });

  it('refuses an event name or a comment with a line break', () => {
    expect(() => sseEvent({ event: 'a\ndata: x', data: {} })).toThrow();
    expect(() => sseComment('keep\r\nalive')).toThrow();
  });

  it('writes comments and the reconnection delay', () => {
    expect(sseComment('keep-alive')).toBe(': keep-alive\n\n');
    expect(sseRetry(3000)).toBe('retry: 3000\n\n');
  });
});
