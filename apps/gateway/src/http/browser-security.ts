import type { SecurityHeadersOptions } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { REQUEST_ID_HEADER } from '@app/common';

// CORS_ORIGINS from the environment: exact origins (`scheme://host[:port]`, no path, no wildcard); null when an
// entry is not one (config validation names it). An origin must match one of them byte for byte to get CORS
// headers, so `https://app.example.com.evil.example` and `null` (sandboxed frames, file://) never do.
export function parseCorsOrigins(raw: unknown): string[] | null {
  if (Array.isArray(raw))
    return raw.every((entry) => typeof entry === 'string' && isOrigin(entry)) ? raw : null;
  if (typeof raw !== 'string') return null;
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return entries.every(isOrigin) ? entries : null;
}

function isOrigin(entry: string): boolean {
  // URL accepts `*` in a host name; an origin never has one.
  if (entry.includes('*')) return false;
  try {
    const url = new URL(entry);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === entry;
  } catch {
    return false;
  }
}

// One policy for every answer: the JSON API ignores it, and pages (the Swagger UI at /docs, the web app at /)
// run only scripts served by the gateway itself. Swagger UI loads its bundle and its init script as files; its
// HTML carries inline <style> blocks and style attributes, hence 'unsafe-inline' for styles (never for scripts).
// No upgrade-insecure-requests: it would send /docs' assets to https on a plain-http local gateway.
const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  // https: for the merchant and institution logos the transactions carry (logoUrl, on Plaid's CDN).
  'img-src': ["'self'", 'data:', 'https:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

// LINK_MODE=plaid: the web app loads Plaid Link's script, which runs Link in a frame from Plaid's CDN and talks to
// Plaid's API (Plaid's published CSP requirements). The emulator's Link is a popup: nothing to allow.
const PLAID_LINK_SOURCES: Record<string, string[]> = {
  'script-src': ['https://cdn.plaid.com/link/v2/stable/link-initialize.js'],
  'frame-src': ['https://cdn.plaid.com/'],
  'connect-src': ['https://production.plaid.com/', 'https://sandbox.plaid.com/'],
};

export function contentSecurityPolicy(linkMode: 'emulator' | 'plaid'): Record<string, string[]> {
  if (linkMode !== 'plaid') return CONTENT_SECURITY_POLICY;
  const directives = { ...CONTENT_SECURITY_POLICY };
  for (const [name, sources] of Object.entries(PLAID_LINK_SOURCES))
    directives[name] = [...(directives[name] ?? ["'self'"]), ...sources];
  return directives;
}

const SECURITY_HEADERS: Omit<SecurityHeadersOptions, 'contentSecurityPolicy'> = {
  // The web app opens Link in a popup (the emulator's page; Plaid's OAuth institutions) and hears back through
  // window.opener, which plain same-origin would cut.
  crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
  referrerPolicy: { policy: 'no-referrer' },
  xContentTypeOptions: true,
  // frame-ancestors for current browsers, X-Frame-Options for old ones.
  xFrameOptions: { action: 'deny' },
  // Sent below, only to requests that came over https: over plain http it would be meaningless, and a local
  // gateway on http://localhost must not pin the name to https for a year.
  strictTransportSecurity: false,
};

const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
// Last-Event-ID: what an EventSource sends when it reconnects to GET /v1/events (not a CORS-safelisted header).
// X-Session-Mode: a browser session's custom header (auth/session-cookie.ts); only allowed origins may send it.
const CORS_REQUEST_HEADERS = [
  'Authorization',
  'Content-Type',
  'Last-Event-ID',
  'X-Session-Mode',
  REQUEST_ID_HEADER,
];
const CORS_EXPOSED_HEADERS = [REQUEST_ID_HEADER, 'Retry-After'];

export interface BrowserSecuritySettings {
  CORS_ORIGINS: string[];
  CORS_MAX_AGE_SECONDS: number;
  LINK_MODE: 'emulator' | 'plaid';
}

// Before app.listen(): Nest installs both as request hooks that run for every route, 404s and errors included.
export function applyBrowserSecurity(app: NestFastifyApplication, settings: BrowserSecuritySettings): void {
  // No origin listed = same-origin only: no CORS handling at all, so a preflight finds no route (404).
  if (settings.CORS_ORIGINS.length > 0) {
    const allowed = new Set(settings.CORS_ORIGINS);
    app.enableCors({
      // A function, not the list: with a list, @fastify/cors still sends Allow-Credentials and answers the
      // preflight of an origin it refuses; `false` here sends no CORS header at all.
      origin: (origin: string | undefined, done: (err: Error | null, allow: boolean) => void) =>
        done(null, origin !== undefined && allowed.has(origin)),
      credentials: true,
      methods: CORS_METHODS,
      allowedHeaders: CORS_REQUEST_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      maxAge: settings.CORS_MAX_AGE_SECONDS,
      // Let the preflight through the security headers hook (which runs after this one) to the OPTIONS route
      // @fastify/cors adds, which answers it (200, empty); answered here, it would carry none of them.
      preflightContinue: true,
    });
  }
  app.useSecurityHeaders({
    ...SECURITY_HEADERS,
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(settings.LINK_MODE) },
  });
  // request.protocol believes X-Forwarded-Proto only from a peer TRUST_PROXY trusts.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      if (request.protocol === 'https')
        reply.raw.setHeader('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY);
      done();
    });
}
