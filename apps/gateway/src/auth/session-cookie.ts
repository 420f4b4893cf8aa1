import { type FastifyReply, type FastifyRequest } from 'fastify';

// Browser sessions: with `X-Session-Mode: cookie` on login, refresh and logout, the refresh token travels in an
// HttpOnly cookie that JavaScript cannot read, and only the access token is in the answer's body. Clients that
// send no such header keep the JSON-body tokens. The header doubles as the CSRF guard of the cookie: a cross-site
// form cannot set a header, and a cross-site fetch that sets one needs a CORS preflight, which only the origins
// of CORS_ORIGINS pass; SameSite=Strict keeps the cookie off cross-site requests in the first place.
export const SESSION_MODE_HEADER = 'x-session-mode';
export const REFRESH_COOKIE = 'refresh_token';
// Only the auth routes ever receive it: the rest of the API never sees the refresh token.
const REFRESH_COOKIE_PATH = '/v1/auth';

export function wantsCookieSession(request: FastifyRequest): boolean {
  return request.headers[SESSION_MODE_HEADER] === 'cookie';
}

export function readRefreshCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === REFRESH_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

// request.protocol believes X-Forwarded-Proto only from a peer TRUST_PROXY trusts: `Secure` follows what the
// browser used, so a local http gateway still works and one behind a TLS proxy never sends the cookie in clear.
export function setRefreshCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  refreshToken: string,
  maxAgeSeconds: number,
): void {
  void reply.header('Set-Cookie', serialize(request, refreshToken, maxAgeSeconds));
}

export function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.header('Set-Cookie', serialize(request, '', 0));
}

function serialize(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const attributes = [
    `${REFRESH_COOKIE}=${value}`,
    `Path=${REFRESH_COOKIE_PATH}`,
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (request.protocol === 'https') attributes.push('Secure');
  return attributes.join('; ');
}
