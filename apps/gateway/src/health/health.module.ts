import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EventsModule } from '../events/events.module';
import { RpcModule } from '../rpc/rpc.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { MetricsServer } from './metrics-server';

// Liveness and readiness (broker, revocations, user events, every service answering) on the public port; Prometheus metrics
// and readiness details on the operators' METRICS_PORT.
@Module({
  imports: [RpcModule, AuthModule, EventsModule],
  controllers: [HealthController],
  providers: [HealthService, MetricsServer],
})
export class HealthModule {}
