import { Configuration, PlaidApi, Products } from 'plaid';
import { runInfo } from './api';

// The run's Plaid emulator, through the official SDK (as production code talks to Plaid), plus its
// non-Plaid control routes for tests.
export function plaidClient(): PlaidApi {
  return new PlaidApi(
    new Configuration({
      basePath: runInfo().sandboxUrl,
      baseOptions: { headers: { 'PLAID-CLIENT-ID': 'e2e-client-id', 'PLAID-SECRET': 'e2e-secret' } },
    }),
  );
}

// What a frontend gets from Plaid Link when the user finishes it.
export async function sandboxPublicToken(
  options: { institutionId?: string; username?: string; password?: string; webhook?: string } = {},
): Promise<string> {
  const res = await plaidClient().sandboxPublicTokenCreate({
    institution_id: options.institutionId ?? 'ins_109508',
    initial_products: [Products.Transactions],
    options: {
      webhook: options.webhook ?? `${runInfo().gateways[0]}/v1/webhooks/plaid`,
      ...(options.username ? { override_username: options.username } : {}),
      ...(options.password ? { override_password: options.password } : {}),
    },
  });
  return res.data.public_token;
}

export async function control<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${runInfo().sandboxUrl}/sandbox-control${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
