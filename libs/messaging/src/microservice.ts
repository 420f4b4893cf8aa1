import { type DynamicModule, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { rmqServerOptions, type RmqServerSettings } from './rmq-options';
import { RpcAckInterceptor, RpcErrorFilter, rpcValidationPipe } from './rpc-server';

// Boots a service that serves one RPC queue: validated payloads, acks after handling, one error shape.
export async function createRpcMicroservice(module: DynamicModule, settings: RmqServerSettings): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(module, { ...rmqServerOptions(settings), bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(rpcValidationPipe());
  app.useGlobalFilters(new RpcErrorFilter());
  app.useGlobalInterceptors(new RpcAckInterceptor());
  app.enableShutdownHooks();
  return app;
}
