import { Products } from 'plaid';
import { PlaidApiError } from './plaid-error';

const KNOWN = new Set<string>(Object.values(Products));

/** Validates a products list as Plaid does: known names only, and `balance` is not a Link product. */
export function parseProducts(
  field: string,
  values: string[],
  options: { allowEmpty?: boolean } = {},
): Products[] {
  if (values.length === 0 && !options.allowEmpty)
    throw PlaidApiError.invalidField(`${field} must contain at least one product`);
  const unknown = values.filter((v) => !KNOWN.has(v) || v === 'balance');
  if (unknown.length > 0)
    throw PlaidApiError.of('INVALID_PRODUCT', `invalid ${field}: ${unknown.join(', ')}`);
  return values as Products[];
}
