import { type DynamicModule, Global, Module } from '@nestjs/common';
import { UnitOfWork, unitOfWorkProviders } from '@app/messaging';
import { AccessTokenCipher, plaidProviders } from '@app/plaid';
import { PlaidApi } from 'plaid';
import { APP_CONFIG, type SyncConfig } from './config';

// What every feature of the worker may inject: its config, the unit of work (on the outbox relay it provides), and
// the Plaid client and token cipher, which only the door to Plaid (plaid/) and the institution names use.
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: SyncConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        ...plaidProviders(APP_CONFIG),
        ...unitOfWorkProviders(APP_CONFIG),
      ],
      exports: [APP_CONFIG, PlaidApi, AccessTokenCipher, UnitOfWork],
    };
  }
}
