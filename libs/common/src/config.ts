import { plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

function flatten(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => {
    const own = Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`);
    return [...own, ...flatten(e.children ?? [])];
  });
}

// Builds one typed config object from the environment, or throws one error naming every bad variable.
export function loadConfig<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && v !== '') raw[k] = v;
  }
  const config = plainToInstance(cls, raw, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) throw new ConfigError(flatten(errors));
  return config;
}

// For main.ts: a bad value stops the service with one line on stderr.
export function loadConfigOrExit<T extends object>(cls: new () => T, service: string): T {
  try {
    return loadConfig(cls);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(
        `${JSON.stringify({ level: 'fatal', service, msg: err.message, problems: err.problems })}\n`,
      );
      process.exit(78);
    }
    throw err;
  }
}

// Environment booleans: "true"/"1"/"yes" are true, anything else false (Boolean("false") would be true).
export function envBoolean({ obj, key }: { obj: Record<string, unknown>; key: string }): boolean {
  const raw = obj[key];
  if (typeof raw === 'boolean') return raw;
  return typeof raw === 'string' && ['true', '1', 'yes'].includes(raw.trim().toLowerCase());
}
