import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging';
import { UserAccountModule } from './user-account/user-account.module';
import { AccountsModule } from './accounts/accounts.module';
import { AuthModule } from './auth/auth.module';
import { CategoriesModule } from './categories/categories.module';
import { AppConfigModule, type GatewayConfig } from './config';
import { ErrorsModule } from './errors/errors.module';
import { EventsModule } from './events/events.module';
import { ExportModule } from './export/export.module';
import { HealthModule } from './health/health.module';
import { InsightsModule } from './insights/insights.module';
import { ItemsModule } from './items/items.module';
import { GatewayLoggingModule } from './logging/logging.module';
import { PlaidModule } from './plaid/plaid.module';
import { RecurringModule } from './recurring/recurring.module';
import { RulesModule } from './rules/rules.module';
import { TransactionsModule } from './transactions/transactions.module';
import { WebModule } from './web/web.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        GatewayLoggingModule.forRoot(config.LOG_LEVEL),
        MessagingModule.forRoot({ url: config.RABBITMQ_URL }),
        ErrorsModule,
        AuthModule,
        UserAccountModule,
        PlaidModule,
        ItemsModule,
        AccountsModule,
        TransactionsModule,
        ExportModule,
        CategoriesModule,
        RulesModule,
        RecurringModule,
        InsightsModule,
        WebhooksModule,
        EventsModule,
        HealthModule,
        WebModule,
      ],
    };
  }
}
