import { type InjectionToken, type Provider } from '@nestjs/common';
import { metrics } from '@app/common';
import { PlaidApi } from 'plaid';
import { AccessTokenCipher } from './access-token-cipher';
import { createPlaidClient } from './plaid-client';
import { type PlaidServiceConfig } from './plaid-config';

// The Plaid client and the access-token cipher, for a service whose config (under `configToken`) holds Plaid keys.
export function plaidProviders(configToken: InjectionToken): Provider[] {
  return [
    {
      provide: PlaidApi,
      inject: [configToken],
      useFactory: (c: PlaidServiceConfig) =>
        createPlaidClient(c, {
          onCall: (call) => {
            metrics.plaidCalls.inc({
              endpoint: call.endpoint,
              status: String(call.status),
              error_code: call.errorCode ?? '',
            });
            metrics.plaidCallDuration.observe({ endpoint: call.endpoint }, call.durationMs / 1000);
          },
        }),
    },
    {
      provide: AccessTokenCipher,
      inject: [configToken],
      useFactory: (c: PlaidServiceConfig) => new AccessTokenCipher(c.TOKEN_ENCRYPTION_KEYS),
    },
  ];
}
