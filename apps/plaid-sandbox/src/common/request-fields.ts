import { PlaidApiError } from './plaid-error';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws MISSING_FIELDS naming every absent (undefined or null) field, as Plaid does. */
export function requireFields(body: JsonObject, fields: string[]): void {
  const missing = fields.filter((path) => {
    let cur: unknown = body;
    for (const part of path.split('.')) {
      if (!isObject(cur)) return true;
      cur = cur[part];
    }
    return cur === undefined || cur === null;
  });
  if (missing.length > 0) throw PlaidApiError.missingFields(missing);
}

export function optionalString(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw PlaidApiError.invalidField(`${field} must be a string`);
  return value;
}

export function requiredString(body: JsonObject, field: string): string {
  requireFields(body, [field]);
  const value = optionalString(body, field);
  if (value === undefined || value === '')
    throw PlaidApiError.invalidField(`${field} must be a non-empty string`);
  return value;
}

export function optionalInt(body: JsonObject, field: string, min: number, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw PlaidApiError.invalidField(`${field} must be an integer between ${min} and ${max}`);
  }
  return value;
}

export function optionalBoolean(body: JsonObject, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw PlaidApiError.invalidField(`${field} must be a boolean`);
  return value;
}

export function optionalObject(body: JsonObject, field: string): JsonObject | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw PlaidApiError.invalidField(`${field} must be an object`);
  return value;
}

export function optionalStringArray(body: JsonObject, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw PlaidApiError.invalidField(`${field} must be an array of strings`);
  }
  return value;
}

export function optionalUrl(body: JsonObject, field: string): string | undefined {
  const value = optionalString(body, field);
  if (value === undefined || value === '') return undefined;
  if (!/^https?:\/\/\S+$/.test(value))
    throw PlaidApiError.invalidField(`${field} must be a valid http(s) URL`);
  return value;
}
