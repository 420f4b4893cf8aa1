import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { IsOptional, IsString, Validate } from 'class-validator';
import {
  ConfigError,
  EXAMPLE_SECRET_VALUES,
  JwtKeysConstraint,
  loadConfig,
  parseJwtKeys,
  SECRET_VARIABLES,
  ServiceBaseConfig,
} from './index';

// A service that reads every kind of secret the checks know about.
class SecretsConfig extends ServiceBaseConfig {
  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  @Validate(JwtKeysConstraint)
  JWT_KEYS?: string;

  @IsString()
  BROKER_SEALING_SECRET: string;

  @IsString()
  TOKEN_ENCRYPTION_KEYS: string;
}

const strong = (): string => randomBytes(32).toString('hex');
const goodEnv = (): Record<string, string> => ({
  JWT_SECRET: strong(),
  BROKER_SEALING_SECRET: strong(),
  TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
});
const PRODUCTION = { PLAID_ENV: 'production' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(SecretsConfig, env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

function fileWith(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'secret-')), 'value');
  writeFileSync(path, content);
  return path;
}

// The .env.example lines of the secrets (jest runs from the repository root).
function exampleFileSecrets(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(process.cwd(), '.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match && (SECRET_VARIABLES as readonly string[]).includes(match[1]) && match[2] !== '')
      out[match[1]] = match[2];
  }
  return out;
}

describe('production secret checks', () => {
  it('lists exactly the secrets .env.example gives values', () => {
    expect(EXAMPLE_SECRET_VALUES).toEqual(exampleFileSecrets());
  });

  it('starts with strong secrets of its own in production', () => {
    expect(problems({ ...goodEnv(), ...PRODUCTION })).toEqual([]);
  });

  it('accepts the example secrets in local development', () => {
    expect(problems({ ...EXAMPLE_SECRET_VALUES })).toEqual([]);
  });

  it('names every example secret in one error when PLAID_ENV is production', () => {
    const found = problems({ ...EXAMPLE_SECRET_VALUES, ...PRODUCTION }).join('\n');

    for (const name of Object.keys(EXAMPLE_SECRET_VALUES))
      expect(found).toMatch(new RegExp(`^${name}: .*example`, 'm'));
  });

  it('refuses example secrets when NODE_ENV is production and real Plaid keys are set', () => {
    const env = { ...goodEnv(), JWT_SECRET: EXAMPLE_SECRET_VALUES.JWT_SECRET, NODE_ENV: 'production' };

    expect(problems({ ...env, PLAID_CLIENT_ID: 'cid', PLAID_SECRET: 'sec' })).toEqual([
      expect.stringMatching(/^JWT_SECRET: .*example/),
    ]);
    expect(problems(env)).toEqual([]);
  });

  it('refuses a default compose ships, such as a broker password inside RABBITMQ_URL', () => {
    const env = {
      ...goodEnv(),
      ...PRODUCTION,
      RABBITMQ_URL: 'amqp://gateway:local-dev-only-gateway-password@rabbitmq:5672',
    };

    expect(problems(env)).toEqual([expect.stringMatching(/^RABBITMQ_URL: .*local-development default/)]);
  });

  it('refuses the example broker URL as one node of a RABBITMQ_URL list', () => {
    const env = {
      ...goodEnv(),
      ...PRODUCTION,
      RABBITMQ_URL: `amqp://svc:${strong()}@rabbit-1:5672, ${EXAMPLE_SECRET_VALUES.RABBITMQ_URL}`,
    };

    expect(problems(env)).toEqual([expect.stringMatching(/^RABBITMQ_URL: .*example/)]);
  });

  it('refuses an example key anywhere in JWT_KEYS', () => {
    const env = {
      ...goodEnv(),
      JWT_SECRET: '',
      JWT_KEYS: `new:${strong()},old:${EXAMPLE_SECRET_VALUES.JWT_SECRET}`,
    };

    expect(problems({ ...env, ...PRODUCTION })).toEqual([expect.stringMatching(/^JWT_KEYS: .*example/)]);
  });

  it('refuses a one-byte-repeated encryption key under another kid', () => {
    const zero = Buffer.alloc(32, 7).toString('base64');
    const env = {
      ...goodEnv(),
      TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')},mine:${zero}`,
    };

    expect(problems({ ...env, ...PRODUCTION })).toEqual([
      expect.stringMatching(/^TOKEN_ENCRYPTION_KEYS: key "mine" has too little entropy/),
    ]);
  });

  it('refuses an encryption key of few distinct bytes', () => {
    const patterned = Buffer.from('01234567'.repeat(4)).toString('base64');
    const env = { ...goodEnv(), TOKEN_ENCRYPTION_KEYS: `k1:${patterned}` };

    expect(problems({ ...env, ...PRODUCTION })).toEqual([expect.stringMatching(/too little entropy/)]);
  });

  it('refuses an encryption key of the wrong length', () => {
    const env = { ...goodEnv(), TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(16).toString('base64')}` };

    expect(problems({ ...env, ...PRODUCTION })).toEqual([
      expect.stringMatching(/key "k1" is 16 bytes, not 32/),
    ]);
  });

  it('refuses a JWT_SECRET and a BROKER_SEALING_SECRET shorter than 32 bytes', () => {
    const env = { ...goodEnv(), JWT_SECRET: 'short', BROKER_SEALING_SECRET: 'x'.repeat(31) };

    expect(problems({ ...env, ...PRODUCTION })).toEqual([
      'JWT_SECRET: must be at least 32 bytes',
      'BROKER_SEALING_SECRET: must be at least 32 bytes',
    ]);
  });

  it('judges a service only on the secrets its config declares', () => {
    expect(
      problems({ ...EXAMPLE_SECRET_VALUES, ...PRODUCTION, DATABASE_URL: 'postgres://x' }),
    ).not.toContainEqual(expect.stringMatching(/^DATABASE_URL/));
    expect(() =>
      loadConfig(ServiceBaseConfig, {
        ...EXAMPLE_SECRET_VALUES,
        DATABASE_URL: 'postgres://x',
        ...PRODUCTION,
      }),
    ).toThrow(/RABBITMQ_URL/);
    expect(() =>
      loadConfig(ServiceBaseConfig, { JWT_SECRET: EXAMPLE_SECRET_VALUES.JWT_SECRET, ...PRODUCTION }),
    ).not.toThrow();
  });
});

describe('secrets from files (NAME_FILE)', () => {
  it('reads the value from the file, dropping one trailing newline', () => {
    const secret = strong();
    const env = { ...goodEnv(), JWT_SECRET: '', JWT_SECRET_FILE: fileWith(`${secret}\n`) };

    expect(loadConfig(SecretsConfig, env).JWT_SECRET).toBe(secret);
  });

  it('reads every secret variable that way', () => {
    const url = 'postgres://app:from-file@db:5432/app';

    expect(loadConfig(SecretsConfig, { ...goodEnv(), DATABASE_URL_FILE: fileWith(url) }).DATABASE_URL).toBe(
      url,
    );
  });

  it('refuses to start when both NAME and NAME_FILE are set', () => {
    expect(problems({ ...goodEnv(), JWT_SECRET_FILE: fileWith(strong()) })).toContainEqual(
      'JWT_SECRET: set either JWT_SECRET or JWT_SECRET_FILE, not both',
    );
  });

  it('refuses to start when the file cannot be read', () => {
    const env = {
      ...goodEnv(),
      BROKER_SEALING_SECRET: '',
      BROKER_SEALING_SECRET_FILE: '/nonexistent/secret',
    };

    expect(problems(env)).toContainEqual(
      expect.stringMatching(/^BROKER_SEALING_SECRET_FILE: cannot read \/nonexistent\/secret \(ENOENT\)/),
    );
  });

  it('applies the production checks to values read from files', () => {
    const env = {
      ...goodEnv(),
      TOKEN_ENCRYPTION_KEYS: '',
      TOKEN_ENCRYPTION_KEYS_FILE: fileWith(`${EXAMPLE_SECRET_VALUES.TOKEN_ENCRYPTION_KEYS}\n`),
      ...PRODUCTION,
    };

    expect(problems(env)).toContainEqual(expect.stringMatching(/^TOKEN_ENCRYPTION_KEYS: .*example/));
  });
});

describe(parseJwtKeys.name, () => {
  const a = 'a'.repeat(32);
  const b = 'b'.repeat(40);

  it('makes JWT_SECRET the one key, kid "default"', () => {
    expect(parseJwtKeys({ JWT_SECRET: a })).toEqual([{ kid: 'default', secret: a }]);
  });

  it('keeps the order of JWT_KEYS (the first signs)', () => {
    expect(parseJwtKeys({ JWT_KEYS: `new:${b},old:${a}` })).toEqual([
      { kid: 'new', secret: b },
      { kid: 'old', secret: a },
    ]);
  });

  it.each([
    [{ JWT_KEYS: `k:${a}`, JWT_SECRET: a }, /not both/],
    [{}, /required/],
    [{ JWT_KEYS: `k:${'x'.repeat(31)}` }, /at least 32 bytes/],
    [{ JWT_KEYS: a }, /kid:secret/],
    [{ JWT_KEYS: `k:${a},k:${b}` }, /once/],
  ])('refuses %p', (source, message) => {
    expect(() => parseJwtKeys(source)).toThrow(message);
  });
});
