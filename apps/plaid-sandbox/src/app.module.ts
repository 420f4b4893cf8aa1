import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AccountLifecycleController } from './accounts/account-lifecycle.controller';
import { AccountLifecycleService } from './accounts/account-lifecycle.service';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsService } from './accounts/accounts.service';
import { PlaidAuthGuard } from './common/plaid-auth.guard';
import { PlaidCallInterceptor } from './common/plaid-call.interceptor';
import { PlaidExceptionFilter } from './common/plaid-exception.filter';
import { APP_CONFIG, type SandboxConfig } from './config';
import { CallsService } from './control/calls.service';
import { ControlController } from './control/control.controller';
import { ControlService } from './control/control.service';
import { ScenariosController } from './control/scenarios.controller';
import { FailuresService } from './control/failures.service';
import { HealthController } from './health/health.controller';
import { InstitutionsController } from './institutions/institutions.controller';
import { InstitutionsService } from './institutions/institutions.service';
import { ItemsController } from './items/items.controller';
import { ItemsService } from './items/items.service';
import { ItemsStore } from './items/items.store';
import { LinkController } from './link/link.controller';
import { LinkPageController } from './link/link-page.controller';
import { LinkService } from './link/link.service';
import { SandboxController } from './sandbox/sandbox.controller';
import { SandboxService } from './sandbox/sandbox.service';
import { RecurringController } from './transactions/recurring.controller';
import { RecurringService } from './transactions/recurring.service';
import { ScenariosService } from './transactions/scenarios.service';
import { TransactionsController } from './transactions/transactions.controller';
import { TransactionsService } from './transactions/transactions.service';
import { WebhookKeysService } from './webhooks/webhook-keys.service';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

// Never log credentials or tokens, whoever logs them.
const REDACT = [
  'req.headers["plaid-secret"]',
  'req.headers["plaid-verification"]',
  'req.headers.authorization',
  'req.body.secret',
  'req.body.access_token',
  'req.body.public_token',
  '*.secret',
  '*.access_token',
  '*.public_token',
  'secret',
  'access_token',
];

/** The whole emulator: one module, one folder per feature. State is in memory (see README). */
@Module({})
export class AppModule {
  static forRoot(config: SandboxConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            base: { service: 'plaid-sandbox' },
            redact: { paths: REDACT, censor: '[redacted]' },
            // Request lines come from a Fastify onResponse hook (see app.factory.ts): path and status only.
            autoLogging: false,
          },
        }),
      ],
      controllers: [
        LinkController,
        LinkPageController,
        ItemsController,
        InstitutionsController,
        AccountsController,
        TransactionsController,
        RecurringController,
        WebhooksController,
        SandboxController,
        ControlController,
        ScenariosController,
        AccountLifecycleController,
        HealthController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: PlaidExceptionFilter },
        PlaidAuthGuard,
        PlaidCallInterceptor,
        ItemsStore,
        ItemsService,
        InstitutionsService,
        LinkService,
        AccountsService,
        AccountLifecycleService,
        TransactionsService,
        RecurringService,
        ScenariosService,
        WebhookKeysService,
        WebhooksService,
        SandboxService,
        CallsService,
        FailuresService,
        ControlService,
      ],
    };
  }
}
