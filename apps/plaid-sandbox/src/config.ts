export interface SandboxConfig {
  port: number;
  host: string;
  clientId: string;
  secret: string;
  seed: number;
  transactionsPerItem: number;
  autoWebhooks: boolean;
  webhookDelayMs: number;
  webhookMaxAttempts: number;
  webhookRetryBaseMs: number;
  publicTokenTtlSeconds: number;
  logLevel: string;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Builds the config from the environment, or throws one error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SandboxConfig {
  const problems: string[] = [];
  const raw = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const v = raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}: must be an integer between ${min} and ${max} (got "${v}")`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const v = raw(name)?.toLowerCase();
    if (v === undefined) return fallback;
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    problems.push(`${name}: must be true or false (got "${v}")`);
    return fallback;
  };
  const str = (name: string, fallback: string): string => raw(name) ?? fallback;

  const config: SandboxConfig = {
    port: int('PORT', 8090, 0, 65535),
    host: str('HOST', '0.0.0.0'),
    clientId: str('SANDBOX_CLIENT_ID', 'sandbox-client-id'),
    secret: str('SANDBOX_SECRET', 'sandbox-secret'),
    seed: int('SANDBOX_SEED', 42, 0, 2 ** 31 - 1),
    transactionsPerItem: int('SANDBOX_TRANSACTIONS_PER_ITEM', 120, 0, 5_000_000),
    autoWebhooks: bool('SANDBOX_AUTO_WEBHOOKS', true),
    webhookDelayMs: int('SANDBOX_WEBHOOK_DELAY_MS', 500, 0, 600_000),
    webhookMaxAttempts: int('SANDBOX_WEBHOOK_MAX_ATTEMPTS', 4, 1, 20),
    webhookRetryBaseMs: int('SANDBOX_WEBHOOK_RETRY_BASE_MS', 250, 1, 600_000),
    publicTokenTtlSeconds: int('SANDBOX_PUBLIC_TOKEN_TTL_SECONDS', 1800, 1, 86_400),
    logLevel: str('LOG_LEVEL', 'info').toLowerCase(),
  };
  if (!LOG_LEVELS.includes(config.logLevel)) {
    problems.push(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')} (got "${config.logLevel}")`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
