import { ConfigError, loadConfig } from '@app/common';
import { PlaidEnvironments } from 'plaid';
import { generateEncryptionKey } from './access-token-cipher';
import { PlaidServiceConfig, resolvePlaidTarget } from './plaid-config';

const KEYS = `k1:${generateEncryptionKey()}`;

function load(env: Record<string, string> = {}): PlaidServiceConfig {
  return loadConfig(PlaidServiceConfig, { TOKEN_ENCRYPTION_KEYS: KEYS, ...env });
}

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(PlaidServiceConfig, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join('\n');
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe(PlaidServiceConfig.name, () => {
  it('applies the defaults', () => {
    const config = load();

    expect(config).toMatchObject({
      PLAID_ENV: 'sandbox',
      PLAID_SANDBOX_URL: 'http://127.0.0.1:8090',
      PLAID_SANDBOX_CLIENT_ID: 'sandbox-client-id',
      PLAID_SANDBOX_SECRET: 'sandbox-secret',
      PLAID_TIMEOUT_MS: 15000,
      PLAID_VERSION: '2020-09-14',
      DB_POOL_SIZE: 10,
    });
    expect(config.PLAID_CLIENT_ID).toBeUndefined();
  });

  it('reads numbers and URLs from strings', () => {
    const config = load({
      PLAID_TIMEOUT_MS: '2500',
      PLAID_BASE_URL: 'http://plaid-sandbox:8090',
      PLAID_WEBHOOK_URL: 'https://api.example.com/v1/webhooks/plaid',
    });

    expect(config.PLAID_TIMEOUT_MS).toBe(2500);
    expect(config.PLAID_BASE_URL).toBe('http://plaid-sandbox:8090');
  });

  it('names every bad Plaid variable in one error', () => {
    const problems = problemsOf({
      PLAID_ENV: 'development',
      PLAID_BASE_URL: 'ftp://plaid.example.com',
      PLAID_WEBHOOK_URL: 'not a url',
      PLAID_TIMEOUT_MS: '50',
      PLAID_VERSION: 'latest',
    });

    for (const name of [
      'PLAID_ENV',
      'PLAID_BASE_URL',
      'PLAID_WEBHOOK_URL',
      'PLAID_TIMEOUT_MS',
      'PLAID_VERSION',
      'TOKEN_ENCRYPTION_KEYS',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('reads an empty PLAID_WEBHOOK_URL as no webhook (polling mode)', () => {
    const config = load({ PLAID_WEBHOOK_URL: '' });

    expect(config.PLAID_WEBHOOK_URL).toBeUndefined();
  });

  it('rejects a non-numeric timeout', () => {
    expect(problemsOf({ TOKEN_ENCRYPTION_KEYS: KEYS, PLAID_TIMEOUT_MS: 'soon' })).toContain(
      'PLAID_TIMEOUT_MS',
    );
  });

  it('explains a bad TOKEN_ENCRYPTION_KEYS without echoing the key', () => {
    const shortKey = Buffer.alloc(16, 7).toString('base64');

    const problems = problemsOf({ TOKEN_ENCRYPTION_KEYS: `k1:${shortKey}` });

    expect(problems).toContain('TOKEN_ENCRYPTION_KEYS');
    expect(problems).toContain('16 bytes, expected 32');
    expect(problems).not.toContain(shortKey);
  });

  it('rejects duplicate key ids', () => {
    const problems = problemsOf({
      TOKEN_ENCRYPTION_KEYS: `k1:${generateEncryptionKey()},k1:${generateEncryptionKey()}`,
    });

    expect(problems).toContain('appears twice');
  });
});

describe(resolvePlaidTarget.name, () => {
  it('targets the emulator with the sandbox credentials when no Plaid keys are set', () => {
    expect(resolvePlaidTarget(load())).toEqual({
      basePath: 'http://127.0.0.1:8090',
      clientId: 'sandbox-client-id',
      secret: 'sandbox-secret',
      emulator: true,
      env: 'sandbox',
    });
  });

  it('lets PLAID_BASE_URL move the emulator', () => {
    const target = resolvePlaidTarget(load({ PLAID_BASE_URL: 'http://plaid-sandbox:9000/' }));

    expect(target).toMatchObject({ basePath: 'http://plaid-sandbox:9000', emulator: true });
  });

  it.each(['sandbox', 'production'] as const)('targets real Plaid %s when both keys are set', (env) => {
    const target = resolvePlaidTarget(load({ PLAID_ENV: env, PLAID_CLIENT_ID: 'cid', PLAID_SECRET: 'sec' }));

    expect(target).toEqual({
      basePath: PlaidEnvironments[env],
      clientId: 'cid',
      secret: 'sec',
      emulator: false,
      env,
    });
  });

  it('lets PLAID_BASE_URL proxy real Plaid', () => {
    const target = resolvePlaidTarget(
      load({ PLAID_CLIENT_ID: 'cid', PLAID_SECRET: 'sec', PLAID_BASE_URL: 'https://proxy.internal/plaid' }),
    );

    expect(target).toMatchObject({
      basePath: 'https://proxy.internal/plaid',
      emulator: false,
      clientId: 'cid',
    });
  });

  it('names PLAID_SECRET when only the client id is set', () => {
    expect(() => resolvePlaidTarget(load({ PLAID_CLIENT_ID: 'cid' }))).toThrow(/^PLAID_SECRET is missing/);
  });

  it('names PLAID_CLIENT_ID when only the secret is set, without echoing the secret', () => {
    expect(() => resolvePlaidTarget(load({ PLAID_SECRET: 'sec-value' }))).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^PLAID_CLIENT_ID is missing/) }),
    );
    expect(() => resolvePlaidTarget(load({ PLAID_SECRET: 'sec-value' }))).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('sec-value') }),
    );
  });

  it('refuses to fall back to the emulator in production', () => {
    expect(() => resolvePlaidTarget(load({ PLAID_ENV: 'production' }))).toThrow(/production/);
  });
});
