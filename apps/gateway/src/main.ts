import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { acceptRequestId, loadConfigOrExit, metrics, REQUEST_ID_HEADER } from '@app/common';
import { DomainError, ErrorCode } from '@app/contracts';
import { validationDetails } from '@app/messaging';
import { ValidationPipe } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { GatewayConfig } from './config';
import { sendError } from './errors/http-error.filter';
import { checkFormKeys, limitedJsonParser } from './http/json-body';
import { fastifyTrustProxy } from './http/trust-proxy';
import { WEBHOOK_ROUTE } from './webhooks/webhooks.controller';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(GatewayConfig, 'gateway');
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: fastifyTrustProxy(config.TRUST_PROXY),
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const id = acceptRequestId(req.headers[REQUEST_ID_HEADER]);
      req.headers[REQUEST_ID_HEADER] = id;
      return id;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    rawBody: true,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Shape limits (depth, key count) on the raw bytes before anything parses or transforms the body.
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
  // Only Plaid's webhook needs a larger body; routes are registered at init, after this hook.
  fastify.addHook('onRoute', (route) => {
    if (route.url === WEBHOOK_ROUTE) route.bodyLimit = config.WEBHOOK_BODY_LIMIT_BYTES;
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.useGlobalPipes(
    new ValidationPipe({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      exceptionFactory: (errors) =>
        new DomainError(ErrorCode.ValidationFailed, 'Request validation failed', validationDetails(errors)),
    }),
  );

  const errorLogger = new NestLogger('HttpError');
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    // The route template, not the URL: ids in paths would explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  // Errors raised before a route runs (bad JSON, body too large) take the same shape as the rest.
  fastify.setErrorHandler((err, request, reply) => sendError(err, request, reply, errorLogger));

  if (config.DOCS_ENABLED) setUpDocs(app);

  await app.listen(config.PORT, config.HOST);
}

function setUpDocs(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Plaid backend API')
      .setDescription(
        'REST API for frontends. Every non-2xx answer is {statusCode, code, message, requestId, details?}.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}

bootstrap().catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: 'gateway', msg: 'failed to start', err: String(err) })}\n`,
  );
  process.exit(1);
});
