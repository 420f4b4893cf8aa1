// Prints the gateway's OpenAPI document (JSON) without a running system: the real AppModule is built (every
// controller and DTO as deployed) but never initialised or listening, so no broker or port is needed. Run by
// scripts/openapi.mjs, which writes it to apps/web/src/api/ and generates the web client's types from it.
import 'reflect-metadata';
import { loadConfig } from '@app/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from '../../apps/gateway/src/app.module';
import { GatewayConfig } from '../../apps/gateway/src/config';
import { buildOpenApiDocument } from '../../apps/gateway/src/openapi';

// Placeholders for the secrets the config insists on: nothing is signed or sealed while the document is built.
const PLACEHOLDER = 'openapi-document-generation-placeholder-secret';
process.env.JWT_SECRET ??= PLACEHOLDER;
process.env.BROKER_SEALING_SECRET ??= PLACEHOLDER;
// The broker connection is created (not awaited) with the module; point it at nothing that could answer.
process.env.RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:1';
process.env.LOG_LEVEL = 'silent';

async function main(): Promise<void> {
  const config = loadConfig(GatewayConfig);
  const app = await NestFactory.create(AppModule.forRoot(config), new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  const document = buildOpenApiDocument(app);
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`, () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`openapi: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
