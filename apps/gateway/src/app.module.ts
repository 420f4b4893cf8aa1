import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { LoggingModule, Sealer, acceptRequestId } from '@app/common';
import { AuthGatewayService } from './auth/auth.service';
import { AccountsController } from './accounts/accounts.controller';
import { AuthController } from './auth/auth.controller';
import { JwtStrategy } from './auth/jwt.strategy';
import { RevocationsService } from './auth/revocations.service';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { HttpErrorFilter } from './errors/http-error.filter';
import { RequestContextInterceptor } from './errors/request-context.interceptor';
import { HealthController } from './health/health.controller';
import { MetricsController } from './health/metrics.controller';
import { ItemsController } from './items/items.controller';
import { PlaidController } from './plaid/plaid.controller';
import { TransactionsController } from './transactions/transactions.controller';
import { WebhookIntake } from './webhooks/webhook-intake.service';
import { WebhookVerifier } from './webhooks/webhook-verifier.service';
import { WebhooksController } from './webhooks/webhooks.controller';
import { RpcClients } from './rpc/rpc-clients';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot({
          service: 'gateway',
          level: config.LOG_LEVEL,
          http: {
            // Fastify already chose the id (see main.ts) and put it back in the header.
            genReqId: (req) => acceptRequestId(req.headers['x-request-id']),
            customProps: () => ({}),
            serializers: {
              req: (req: { id: unknown; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url,
              }),
            },
          },
        }),
        PassportModule,
      ],
      controllers: [
        AuthController,
        PlaidController,
        ItemsController,
        AccountsController,
        TransactionsController,
        WebhooksController,
        HealthController,
        MetricsController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        { provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor },
        RpcClients,
        RevocationsService,
        JwtStrategy,
        AuthGatewayService,
        { provide: Sealer, useValue: new Sealer(config.BROKER_SEALING_SECRET) },
        WebhookVerifier,
        WebhookIntake,
      ],
    };
  }
}
