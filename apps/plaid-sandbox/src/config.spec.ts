import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 8090,
      host: '0.0.0.0',
      clientId: 'sandbox-client-id',
      secret: 'sandbox-secret',
      seed: 42,
      transactionsPerItem: 120,
      autoWebhooks: true,
      webhookDelayMs: 500,
      webhookMaxAttempts: 4,
      webhookRetryBaseMs: 250,
      publicTokenTtlSeconds: 1800,
      logLevel: 'info',
    });
  });

  it('fails fast with one error listing every bad variable', () => {
    let caught: unknown;
    try {
      loadConfig({
        PORT: 'x',
        SANDBOX_TRANSACTIONS_PER_ITEM: '-5',
        SANDBOX_AUTO_WEBHOOKS: 'perhaps',
        LOG_LEVEL: 'chatty',
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems.map((p) => p.split(':')[0])).toEqual([
      'PORT',
      'SANDBOX_TRANSACTIONS_PER_ITEM',
      'SANDBOX_AUTO_WEBHOOKS',
      'LOG_LEVEL',
    ]);
  });

  it('reads booleans and numbers from strings', () => {
    const config = loadConfig({
      SANDBOX_AUTO_WEBHOOKS: 'false',
      SANDBOX_TRANSACTIONS_PER_ITEM: '100000',
      SANDBOX_SEED: '7',
    });
    expect(config).toMatchObject({ autoWebhooks: false, transactionsPerItem: 100_000, seed: 7 });
  });
});
