import { type FastifyInstance } from 'fastify';
import { INVALID_JSON, markBadContentType } from './request-context';

function parse(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return INVALID_JSON;
  }
}

/**
 * Plaid answers a body that is not JSON with INVALID_BODY and a missing or wrong Content-Type with
 * INVALID_HEADERS, both as JSON errors. Fastify's own parser would answer those itself, so we take over.
 */
export function installBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parse(body as string));
  });
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    markBadContentType(req.raw);
    done(null, parse(body as string));
  });
}
