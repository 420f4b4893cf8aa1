export { PlaidServiceConfig, resolvePlaidTarget, type PlaidTarget } from './plaid-config';
export { createPlaidClient, type PlaidCallLog, type PlaidClientOptions } from './plaid-client';
export { PlaidApiError, plaidCall, toPlaidApiError, type PlaidApiErrorFields } from './plaid-error';
export {
  PLAID_ERROR_TABLE,
  UNKNOWN_PLAID_CODE,
  plaidErrorPolicy,
  type PlaidErrorPolicy,
  type RetryPolicy,
} from './plaid-error-map';
export { itemUserMessage } from './item-user-message';
export { AccessTokenCipher, generateEncryptionKey } from './access-token-cipher';
export { plaidDomainError } from './plaid-domain-error';
export { plaidProviders } from './plaid.providers';
