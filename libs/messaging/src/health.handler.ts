import { Controller, Get, Header, type Type } from '@nestjs/common';
import { metricsRegistry } from '@app/common';
import { MessagePattern as P, type PingResponse } from '@app/contracts';
import { DataSource } from 'typeorm';
import { RpcHandler } from './message-handlers';

// Health of a service: over RPC for the gateway's readiness probe, and over the service's own small HTTP
// server (HTTP_PORT) for container health checks. It answers only when the database answers too.
export function databaseHealthHandler(service: string): Type<unknown> {
  @Controller()
  class HealthHandler {
    constructor(private readonly db: DataSource) {}

    @RpcHandler(P.HealthPing)
    async ping(): Promise<PingResponse> {
      await this.db.query('SELECT 1');
      return { service, ok: true };
    }

    @Get('health')
    async health(): Promise<PingResponse> {
      return this.ping();
    }

    @Get('metrics')
    @Header('content-type', metricsRegistry.contentType)
    metrics(): Promise<string> {
      return metricsRegistry.metrics();
    }
  }
  return HealthHandler;
}
