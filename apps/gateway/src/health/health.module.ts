import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { RpcModule } from '../rpc/rpc.module';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

// Liveness, readiness (broker, revocations, every service answering) and Prometheus metrics.
@Module({
  imports: [RpcModule, AuthModule],
  controllers: [HealthController, MetricsController],
})
export class HealthModule {}
