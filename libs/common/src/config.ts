import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, type ValidationError, validateSync } from 'class-validator';
import { isProductionEnvironment, productionSecretProblems, resolveSecretFiles } from './secrets';

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
// Secrets may come from NAME_FILE; outside local development the example secrets and weak keys are refused.
export function loadConfig<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const { env: raw, problems } = resolveSecretFiles(env);
  const config = plainToInstance(cls, raw, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false, whitelist: false });
  problems.push(...flatten(errors));
  if (isProductionEnvironment(raw)) problems.push(...productionSecretProblems(declaredVariables(cls), raw));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

// The variables a config class validates: a service is judged only on the secrets it reads.
function declaredVariables(cls: new () => object): Set<string> {
  return new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(cls, '', true, false)
      .map((m) => m.propertyName),
  );
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
