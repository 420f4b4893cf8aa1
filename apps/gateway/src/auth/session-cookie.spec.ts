import { type FastifyReply, type FastifyRequest } from 'fastify';
import {
  clearRefreshCookie,
  readRefreshCookie,
  setRefreshCookie,
  wantsCookieSession,
} from './session-cookie';

const request = (headers: Record<string, string>, protocol: 'http' | 'https' = 'http'): FastifyRequest =>
  ({ headers, protocol }) as unknown as FastifyRequest;

function replyRecorder(): { reply: FastifyReply; setCookie: () => string | undefined } {
  const headers: Record<string, string> = {};
  const reply = {
    header(name: string, value: string) {
      headers[name.toLowerCase()] = value;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, setCookie: () => headers['set-cookie'] };
}

describe('session cookie', () => {
  it('is a browser session only with X-Session-Mode: cookie', () => {
    expect(wantsCookieSession(request({ 'x-session-mode': 'cookie' }))).toBe(true);
    expect(wantsCookieSession(request({}))).toBe(false);
    expect(wantsCookieSession(request({ 'x-session-mode': 'Cookie ' }))).toBe(false);
  });

  it('reads the refresh token among other cookies, and nothing from an empty one', () => {
    expect(readRefreshCookie(request({ cookie: 'a=1; refresh_token=abc.def; b=2' }))).toBe('abc.def');
    expect(readRefreshCookie(request({ cookie: 'refresh_token=' }))).toBeUndefined();
    expect(readRefreshCookie(request({ cookie: 'xrefresh_token=abc' }))).toBeUndefined();
    expect(readRefreshCookie(request({}))).toBeUndefined();
  });

  it('sets an HttpOnly, SameSite=Strict cookie scoped to the auth routes, Secure only over https', () => {
    const plain = replyRecorder();
    setRefreshCookie(request({}), plain.reply, 'tok', 600);
    expect(plain.setCookie()).toBe(
      'refresh_token=tok; Path=/v1/auth; Max-Age=600; HttpOnly; SameSite=Strict',
    );

    const tls = replyRecorder();
    setRefreshCookie(request({}, 'https'), tls.reply, 'tok', 600);
    expect(tls.setCookie()).toMatch(/; Secure$/);
  });

  it('clears the cookie with an empty value that expires at once', () => {
    const { reply, setCookie } = replyRecorder();
    clearRefreshCookie(request({}, 'https'), reply);
    expect(setCookie()).toBe('refresh_token=; Path=/v1/auth; Max-Age=0; HttpOnly; SameSite=Strict; Secure');
  });
});
