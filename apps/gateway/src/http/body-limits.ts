// What happens to every HTTP request before a controller sees it: body limits, JSON parsing, proxy trust,
// browser security headers.
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyRequest } from 'fastify';
import { type GatewayConfig } from '../config';
import { WEBHOOK_ROUTE } from '../webhooks/webhook.route';
import { checkFormKeys, limitedJsonParser } from './json-body';

// What one request body may cost before a handler sees it: BODY_LIMIT_BYTES everywhere but the webhook
// (413 beyond), and depth and key limits before anything parses or transforms the body (400). Call before
// app.init(): the parser and hooks must be in place when Nest registers its routes.
export function applyBodyLimits(app: NestFastifyApplication, config: GatewayConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser(
    'application/json',
    { bodyLimit: config.BODY_LIMIT_BYTES },
    limitedJsonParser<FastifyRequest>(
      { maxDepth: config.JSON_MAX_DEPTH, maxKeys: config.JSON_MAX_KEYS },
      (req, body, done) => {
        // Fastify's default parser is synchronous and answers through `done`.
        void parseJson(req, body.toString('utf8'), done);
      },
    ),
  );
  fastify.addHook('preValidation', async (request) => {
    if (request.headers['content-type']?.startsWith('application/x-www-form-urlencoded'))
      checkFormKeys(request.body, config.JSON_MAX_KEYS);
  });
  // Only Plaid's webhook needs a larger body.
  fastify.addHook('onRoute', (route) => {
    if (route.url === WEBHOOK_ROUTE) route.bodyLimit = config.WEBHOOK_BODY_LIMIT_BYTES;
  });
}
