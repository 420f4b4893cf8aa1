import { Controller, type Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { MessagePattern as P, type PingResponse } from '@app/contracts';
import { DataSource } from 'typeorm';

// The gateway's readiness probe: a service answers only when it can also reach its database.
export function databaseHealthHandler(service: string): Type<unknown> {
  @Controller()
  class HealthHandler {
    constructor(private readonly db: DataSource) {}

    @MessagePattern(P.HealthPing)
    async ping(): Promise<PingResponse> {
      await this.db.query('SELECT 1');
      return { service, ok: true };
    }
  }
  return HealthHandler;
}
