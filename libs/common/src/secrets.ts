import { readFileSync } from 'node:fs';
import {
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

// The variables that hold secrets. Each may come from NAME_FILE=/path (a Docker or Kubernetes secret) instead,
// so that the value never shows in `docker inspect` or a process listing.
export const SECRET_VARIABLES = [
  'JWT_SECRET',
  'JWT_KEYS',
  'BROKER_SEALING_SECRET',
  'TOKEN_ENCRYPTION_KEYS',
  'PLAID_CLIENT_ID',
  'PLAID_SECRET',
  'DATABASE_URL',
  'RABBITMQ_URL',
] as const;

// The secrets' values in .env.example (a spec checks this list against the file): anyone can read them, so a
// deployment outside local development refuses to start with one of them.
export const EXAMPLE_SECRET_VALUES: Readonly<Record<string, string>> = {
  DATABASE_URL: 'postgres://postgres:postgres@postgres:5432/plaid_backend',
  RABBITMQ_URL: 'amqp://guest:guest@rabbitmq:5672',
  JWT_SECRET: 'local-dev-only-secret-change-me-0123456789',
  BROKER_SEALING_SECRET: 'local-dev-only-sealing-secret-change-me-0123',
  TOKEN_ENCRYPTION_KEYS: 'local1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
};

// The shortest HMAC key worth having for HS256 (the hash's output size).
export const MIN_SECRET_BYTES = 32;
// 32 random bytes hold ~28 distinct values; fewer than this many is a typed or patterned key, not a random one.
export const MIN_DISTINCT_KEY_BYTES = 16;
export const DEFAULT_JWT_KID = 'default';

function present(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

// Replaces each NAME_FILE by NAME (the file's content, one trailing newline dropped), before any validation.
// Both set, or a file that cannot be read, is a problem: the service must not start on a guess.
export function resolveSecretFiles(env: NodeJS.ProcessEnv): {
  env: Record<string, string>;
  problems: string[];
} {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (present(v)) out[k] = v;
  }
  const problems: string[] = [];
  for (const name of SECRET_VARIABLES) {
    const path = out[`${name}_FILE`];
    if (path === undefined) continue;
    delete out[`${name}_FILE`];
    if (out[name] !== undefined) {
      problems.push(`${name}: set either ${name} or ${name}_FILE, not both`);
      delete out[name];
      continue;
    }
    try {
      const value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
      if (value === '') problems.push(`${name}_FILE: ${path} is empty`);
      else out[name] = value;
    } catch (err) {
      problems.push(`${name}_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return { env: out, problems };
}

// Local development runs on the example secrets; real Plaid (PLAID_ENV=production, or NODE_ENV=production with
// real Plaid keys) never does. The same test as libs/plaid's resolvePlaidTarget: both keys set means real Plaid.
export function isProductionEnvironment(env: Record<string, string | undefined>): boolean {
  if (env.PLAID_ENV === 'production') return true;
  return (
    env.NODE_ENV === 'production' && present(env.PLAID_CLIENT_ID?.trim()) && present(env.PLAID_SECRET?.trim())
  );
}

export interface JwtKey {
  kid: string;
  secret: string;
}

// JWT_KEYS="kid:secret[,kid:secret...]" (the first signs, all verify) or one JWT_SECRET (kid "default").
export function parseJwtKeys(source: { JWT_SECRET?: string; JWT_KEYS?: string }): JwtKey[] {
  const hasKeys = present(source.JWT_KEYS);
  const hasSecret = present(source.JWT_SECRET);
  if (hasKeys && hasSecret) throw new Error('set JWT_KEYS or JWT_SECRET, not both');
  if (!hasKeys && !hasSecret) throw new Error('JWT_KEYS (or JWT_SECRET) is required');
  if (!hasKeys) return [{ kid: DEFAULT_JWT_KID, secret: source.JWT_SECRET as string }];
  const keys = (source.JWT_KEYS as string).split(',').map((entry, i) => {
    const match = /^([A-Za-z0-9._-]{1,64}):(.+)$/.exec(entry.trim());
    if (!match) throw new Error(`entry ${i + 1} must be "kid:secret" (kid of letters, digits, . _ -)`);
    if (Buffer.byteLength(match[2]) < MIN_SECRET_BYTES)
      throw new Error(`key "${match[1]}" must be at least ${MIN_SECRET_BYTES} bytes`);
    return { kid: match[1], secret: match[2] };
  });
  const kids = new Set(keys.map((k) => k.kid));
  if (kids.size !== keys.length) throw new Error('each kid may appear once');
  return keys;
}

// On JWT_KEYS of the auth and gateway configs: checks JWT_KEYS and JWT_SECRET together (one of them, well formed).
@ValidatorConstraint({ name: 'jwtKeys' })
export class JwtKeysConstraint implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return jwtKeysProblem(args.object) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return jwtKeysProblem(args.object) ?? 'must be "kid:secret[,kid:secret...]"';
  }
}

function jwtKeysProblem(object: object): string | null {
  try {
    parseJwtKeys(object);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : 'invalid';
  }
}

// What a production deployment must not run with, for the secrets its config declares: one line per problem.
// The marker of every default secret this project ships (see .env.example and docker-compose.yml).
export const DEV_ONLY_MARKER = 'local-dev-only';

export function productionSecretProblems(
  declared: ReadonlySet<string>,
  env: Record<string, string>,
): string[] {
  const problems: string[] = [];
  const examples = new Set([
    ...Object.values(EXAMPLE_SECRET_VALUES),
    afterKid(EXAMPLE_SECRET_VALUES.TOKEN_ENCRYPTION_KEYS),
  ]);
  for (const name of SECRET_VARIABLES) {
    const value = env[name];
    if (!declared.has(name) || value === undefined) continue;
    // A key list is refused when any one of its keys is an example one, a list of broker nodes when any one is.
    const keyList = name === 'JWT_KEYS' || name === 'TOKEN_ENCRYPTION_KEYS';
    const candidates = keyList
      ? [value, ...value.split(',').map((p) => afterKid(p.trim()))]
      : [value, ...(name === 'RABBITMQ_URL' ? value.split(',').map((p) => p.trim()) : [])];
    if (candidates.some((v) => examples.has(v)))
      problems.push(`${name}: is the example value from .env.example; set a secret of your own`);
    // Every default the project ships (.env.example, docker-compose.yml's broker passwords inside RABBITMQ_URL)
    // carries this marker, so a default that is not in the list above is refused too.
    else if (value.includes(DEV_ONLY_MARKER))
      problems.push(
        `${name}: holds a local-development default ("${DEV_ONLY_MARKER}…"); set a secret of your own`,
      );
  }
  for (const name of ['JWT_SECRET', 'BROKER_SEALING_SECRET']) {
    const value = env[name];
    if (declared.has(name) && value !== undefined && Buffer.byteLength(value) < MIN_SECRET_BYTES)
      problems.push(`${name}: must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (declared.has('TOKEN_ENCRYPTION_KEYS') && env.TOKEN_ENCRYPTION_KEYS !== undefined) {
    for (const entry of env.TOKEN_ENCRYPTION_KEYS.split(',')) {
      const [kid] = entry.trim().split(':', 1);
      const key = Buffer.from(afterKid(entry.trim()), 'base64');
      if (key.length !== 32)
        problems.push(`TOKEN_ENCRYPTION_KEYS: key "${kid}" is ${key.length} bytes, not 32`);
      else if (new Set(key).size < MIN_DISTINCT_KEY_BYTES)
        problems.push(
          `TOKEN_ENCRYPTION_KEYS: key "${kid}" has too little entropy (${new Set(key).size} distinct bytes); make one with crypto.randomBytes(32)`,
        );
    }
  }
  return problems;
}

function afterKid(value: string): string {
  const colon = value.indexOf(':');
  return colon < 0 ? value : value.slice(colon + 1);
}
