import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { acceptRequestId, loadConfigOrExit, metrics, REQUEST_ID_HEADER } from '@app/common';
import { DomainError, ErrorCode } from '@app/contracts';
import { exitGracefullyOnSignal, validationDetails } from '@app/messaging';
import { ValidationPipe } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { GatewayConfig } from './config';
import { sendError } from './errors/http-error.filter';
import { applyBodyLimits } from './http/body-limits';
import { applyBrowserSecurity } from './http/browser-security';
import { buildOpenApiDocument } from './openapi';
import { fastifyTrustProxy } from './http/trust-proxy';
import { serveWebApp } from './web/web-app';
import { WebhookRoute } from './webhooks/webhook.route';

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
  applyBodyLimits(app, config);
  // CORS and security headers: before any route or middleware is registered.
  applyBrowserSecurity(app, config);
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(
    new ValidationPipe({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      exceptionFactory: (errors) =>
        new DomainError(ErrorCode.ValidationFailed, 'Request validation failed', validationDetails(errors)),
    }),
  );

  const fastify = app.getHttpAdapter().getInstance();
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
  // Plaid's webhook, the hottest write route, as a plain Fastify route beside Nest's (webhooks/webhook.route.ts).
  app.get(WebhookRoute).register(fastify);

  if (config.DOCS_ENABLED) setUpDocs(app);
  serveWebApp(app, config.WEB_DIR);

  drainOnSignal(app, config);
  await app.listen(config.PORT, config.HOST);
}

// SIGTERM: readiness answers 503 at once (a load balancer stops sending), open event streams end (their clients
// reconnect elsewhere; EventStreamsService.beforeApplicationShutdown), the listener closes (new connections are
// refused, idle keep-alive ones closed) while the requests in flight finish, then the RPC clients and the broker
// connection close and the process exits 0. Past SHUTDOWN_GRACE_SECONDS it exits anyway.
function drainOnSignal(app: NestFastifyApplication, config: GatewayConfig): void {
  let draining = false;
  const fastify = app.getHttpAdapter().getInstance();
  const logger = new NestLogger('Shutdown');
  fastify.addHook('onRequest', async (request, reply) => {
    if (draining && request.url.split('?')[0] === '/health/ready') {
      sendError(new DomainError(ErrorCode.ServiceUnavailable, 'Shutting down'), request, reply, logger);
      return reply;
    }
  });
  // Answers sent while draining close their connection: a keep-alive socket would otherwise hold the server
  // open (Node closes only the connections idle when close() starts) until the grace period ends.
  fastify.addHook('onSend', async (_request, reply) => {
    if (draining) void reply.header('connection', 'close');
  });
  exitGracefullyOnSignal(app, 'gateway', config.SHUTDOWN_GRACE_SECONDS, async () => {
    draining = true;
    setInterval(() => fastify.server.closeIdleConnections(), 100).unref();
  });
}

function setUpDocs(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
}

bootstrap().catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: 'gateway', msg: 'failed to start', err: String(err) })}\n`,
  );
  process.exit(1);
});
