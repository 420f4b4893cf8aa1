import { expect } from '@jest/globals';
import { type LoggedInUser } from './api';
import { db } from './db';
import { sandboxPublicToken } from './sandbox';
import { waitFor } from './wait-for';

// Links a sandbox item for the user through the API, as a frontend would after Plaid Link.
export async function link(
  user: LoggedInUser,
  options: Parameters<typeof sandboxPublicToken>[0] = {},
): Promise<any> {
  const publicToken = await sandboxPublicToken(options);
  const res = await user.api.post('/v1/plaid/exchange', { publicToken }, user.accessToken);
  expect(res.status).toBe(202);
  return res.body.item;
}

export async function waitHealthy(user: LoggedInUser, itemId: string): Promise<any> {
  return waitFor(
    async () => {
      const res = await user.api.get(`/v1/items/${itemId}`, user.accessToken);
      return res.body.status === 'healthy' && res.body.lastSyncedAt ? res.body : undefined;
    },
    { what: `item ${itemId} healthy and synced` },
  );
}

export async function plaidItemId(itemId: string): Promise<string> {
  const [row] = await db<{ plaid_item_id: string }>('SELECT plaid_item_id FROM link.items WHERE id = $1', [
    itemId,
  ]);
  return row.plaid_item_id;
}
