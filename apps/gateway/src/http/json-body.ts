import { DomainError, ErrorCode } from '@app/contracts';

export interface JsonLimits {
  maxDepth: number;
  maxKeys: number;
}

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const COLON = 0x3a; // :

// One pass over the raw bytes, no recursion and no allocation: nesting depth and the total number of object keys
// (each key is followed by a colon outside a string). A body past either limit is refused before JSON.parse, and
// so before class-transformer, whose recursion a deep body overflows and whose cost grows with the key count.
// Malformed JSON is left for the parser to refuse.
export function checkJsonShape(body: Buffer, limits: JsonLimits): void {
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (byte === QUOTE) inString = true;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > limits.maxDepth)
        throw new DomainError(
          ErrorCode.ValidationFailed,
          `JSON body nested deeper than ${limits.maxDepth} levels`,
        );
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth--;
    else if (byte === COLON && ++keys > limits.maxKeys)
      throw new DomainError(ErrorCode.ValidationFailed, `JSON body has more than ${limits.maxKeys} keys`);
  }
}

// Fastify's ContentTypeParserDoneFunction, and a parser of raw Buffer bodies for any request type.
type Done = (err: Error | null, body?: unknown) => void;

// The gateway's application/json parser: the shape limits first, then Fastify's own parser (which refuses
// empty bodies, malformed JSON and __proto__/constructor.prototype keys with its FST_ errors).
export function limitedJsonParser<R>(
  limits: JsonLimits,
  parse: (req: R, body: Buffer, done: Done) => void,
): (req: R, body: Buffer, done: Done) => void {
  return (req, body, done) => {
    try {
      checkJsonShape(body, limits);
    } catch (err) {
      done(err as Error);
      return;
    }
    parse(req, body, done);
  };
}

// Form bodies are flat (one level of keys), so the count is all there is to check; Nest's parser has no limit
// of its own. Run after parsing and before validation (a preValidation hook).
export function checkFormKeys(body: unknown, maxKeys: number): void {
  if (typeof body === 'object' && body !== null && Object.keys(body).length > maxKeys)
    throw new DomainError(ErrorCode.ValidationFailed, `Form body has more than ${maxKeys} keys`);
}
