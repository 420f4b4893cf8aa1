import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface OpenApiDoc {
  paths: Record<
    string,
    { post?: { responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> } }
  >;
  components: { schemas: Record<string, unknown> };
}

const SPEC_IN_REPO = join('apps', 'plaid-sandbox', 'spec', 'openapi-2020-09-14.yml');

/** The official spec, copied into the repo so a fresh clone needs nothing outside it. Found from the cwd up. */
export function findSpec(start = process.cwd()): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, SPEC_IN_REPO);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot find ${SPEC_IN_REPO} from ${start}`);
  }
}

/**
 * OpenAPI 3.0 `nullable: true` next to `allOf`/`$ref` (no `type`) is legal OpenAPI but not something ajv's
 * `nullable` keyword accepts: rewrite it as `anyOf: [schema, {type: 'null'}]`, which means the same.
 */
function normaliseNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normaliseNullable);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = normaliseNullable(v);
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _n, description: _d, ...rest } = out;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return out;
}

/**
 * Validates bodies against Plaid's official OpenAPI document: success bodies against the path's 200
 * schema, errors against PlaidError, webhooks against their named schemas.
 */
export class OpenApiValidator {
  private readonly ajv: Ajv;
  private readonly doc: OpenApiDoc;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(path = findSpec()) {
    this.doc = load(readFileSync(path, 'utf8')) as OpenApiDoc;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, logger: false });
    addFormats(this.ajv);
    for (const f of ['double', 'float', 'int32', 'int64', 'url', 'uuid', 'byte', 'binary', 'password']) {
      if (!this.ajv.formats[f]) this.ajv.addFormat(f, true);
    }
    this.ajv.addSchema({ $id: 'plaid', components: normaliseNullable(this.doc.components) });
  }

  /** The component name of a path's 200 response (`/item/get` → `ItemGetResponse`). */
  responseSchemaName(path: string): string {
    const ref = this.doc.paths[path]?.post?.responses?.['200']?.content?.['application/json']?.schema?.$ref;
    if (!ref) throw new Error(`no 200 response schema for ${path}`);
    return ref.replace('#/components/schemas/', '');
  }

  /** Human-readable problems, or [] when the body conforms. */
  errors(schemaName: string, body: unknown): string[] {
    let validate = this.compiled.get(schemaName);
    if (!validate) {
      validate = this.ajv.getSchema(`plaid#/components/schemas/${schemaName}`);
      if (!validate) throw new Error(`unknown schema ${schemaName}`);
      this.compiled.set(schemaName, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${schemaName}${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  }

  responseErrors(path: string, body: unknown): string[] {
    return this.errors(this.responseSchemaName(path), body);
  }
}
