import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { installBodyParsers } from './common/body-parser';
import { type SandboxConfig } from './config';

/** Builds the emulator (used by main.ts and by the in-process spec). Call `listen` on the result. */
export async function createSandboxApp(config: SandboxConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: 50 * 1024 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // Our own parsers: Plaid-shaped INVALID_BODY / INVALID_HEADERS instead of Fastify's errors.
    bodyParser: false,
  });
  installBodyParsers(adapter.getInstance());
  const requests = new NestLogger('HTTP');
  // One line per request: method, path (never headers or bodies, which carry secrets and tokens), status.
  adapter.getInstance().addHook('onResponse', (req, reply, done) => {
    const path = req.url.split('?')[0];
    if (path !== '/health') {
      requests.log(
        { method: req.method, path, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request completed',
      );
    }
    done();
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  return app;
}
