import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Logger, NotFoundException } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { sendError } from '../errors/http-error.filter';

// Paths the web app never answers, whatever the Accept header: the API, its docs, the probes, the assets.
const RESERVED_PREFIXES = ['/v1', '/docs', '/health', '/metrics', '/assets'];

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};
// Worth compressing; images and fonts already are.
const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.json', '.html']);

interface StaticFile {
  type: string;
  body: Buffer;
  gzipped?: Buffer;
}

// Vite names every asset by its content hash: a changed file is a new URL, so an asset is cached for a year and
// never revalidated. index.html names the current assets, so it is revalidated on every load.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

// The built web app (WEB_DIR, `npm run build` writes dist/web) at `/`: hashed files under /assets/ and
// index.html for the app's own routes. Files are read (and gzipped) once at boot: the build is immutable while
// the process runs. Without a build the gateway serves the API alone.
export function serveWebApp(app: NestFastifyApplication, webDir: string): void {
  const logger = new Logger('WebApp');
  const root = resolve(webDir);
  const indexPath = join(root, 'index.html');
  if (!existsSync(indexPath)) {
    logger.warn({ webDir: root }, 'web app not built (no index.html): serving the API only');
    return;
  }
  const index = load(indexPath, 'text/html; charset=utf-8');
  const assets = new Map<string, StaticFile>();
  const assetsDir = join(root, 'assets');
  if (existsSync(assetsDir)) {
    for (const name of readdirSync(assetsDir)) {
      const type = CONTENT_TYPES[extname(name)];
      // Source maps and unknown kinds stay on disk.
      if (type) assets.set(name, load(join(assetsDir, name), type));
    }
  }

  const fastify = app.getHttpAdapter().getInstance();
  const notFound = (request: FastifyRequest, reply: FastifyReply): void =>
    sendError(new NotFoundException(`Cannot GET ${request.url}`), request, reply, logger);

  fastify.get('/assets/*', (request, reply) => {
    const file = assets.get((request.params as { '*': string })['*']);
    if (!file) return notFound(request, reply);
    send(request, reply, file, IMMUTABLE);
  });
  // Registered as a wildcard, so every route Nest registers (more specific) wins; an unknown path that is not
  // one of the app's falls through to the API's own 404.
  // The same path answers the app to a browser and a 404 to an API client: caches key on Accept.
  fastify.get('/*', (request, reply) => {
    if (!isAppRoute(request)) return notFound(request, reply);
    send(request, reply.header('Vary', 'Accept'), index, REVALIDATE);
  });
  fastify.get('/', (request, reply) => send(request, reply, index, REVALIDATE));
  logger.log({ webDir: root, assets: assets.size }, 'serving the web app at /');
}

// A page navigation to a path of the app: GET (HEAD) asking for HTML, outside the reserved prefixes, no file
// extension (a missing /favicon.ico is a 404, not the app).
export function isAppRoute(request: Pick<FastifyRequest, 'url' | 'headers'>): boolean {
  const path = request.url.split('?')[0];
  if (RESERVED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return false;
  if (extname(path) !== '') return false;
  return (request.headers.accept ?? '').includes('text/html');
}

function load(path: string, type: string): StaticFile {
  const body = readFileSync(path);
  return { type, body, gzipped: COMPRESSIBLE.has(extname(path)) ? gzipSync(body, { level: 9 }) : undefined };
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile, cacheControl: string): void {
  const gzip = file.gzipped !== undefined && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
  void reply.header('Content-Type', file.type).header('Cache-Control', cacheControl);
  if (file.gzipped !== undefined) {
    const vary = reply.getHeader('Vary');
    void reply.header('Vary', typeof vary === 'string' ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
  }
  if (gzip) void reply.header('Content-Encoding', 'gzip');
  void reply.send(gzip ? file.gzipped : file.body);
}
