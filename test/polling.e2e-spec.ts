import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Products } from 'plaid';
import {
  Api,
  type LoggedInUser,
  livePids,
  replaceRunService,
  runInfo,
  signupAndLogin,
  startExtra,
} from './support/api';
import { plaidItemId } from './support/linking';
import { type ServiceProcess } from './support/processes';
import { control, plaidClient } from './support/sandbox';
import { allTransactions, quiescent } from './support/sync';
import { waitFor } from './support/wait-for';

// No-webhook mode: a sync worker without PLAID_WEBHOOK_URL polls every item (here every ~6 s, jittered) and,
// with TRANSACTIONS_REFRESH_ON_MANUAL_SYNC=false, never calls /transactions/refresh. For the whole suite it is
// the run's only sync worker: the run's own is stopped first and replaced (with the run's settings) at the end.

function syncWorkerPids(): number[] {
  return livePids().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('apps/sync-worker/main.js');
    } catch {
      return false;
    }
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Both of its consumers (sync.rpc, sync.events) are up: a start takes seconds on a loaded machine.
async function started(worker: ServiceProcess): Promise<void> {
  const log = join(runInfo().logDir, `${worker.name}.log`);
  await waitFor(
    () =>
      existsSync(log) && readFileSync(log, 'utf8').split('Nest microservice successfully started').length > 2,
    { what: `${worker.name} to start`, timeoutMs: 90_000, intervalMs: 250 },
  );
}

const calls = async (plaidId: string, endpoint: string): Promise<number> =>
  (await control('GET', `/calls?item_id=${plaidId}&endpoint=${endpoint}`)).total;

// An item whose Plaid side has no webhook URL, linked through the API.
async function linkWithoutWebhook(user: LoggedInUser): Promise<{ id: string; plaidId: string; item: any }> {
  const created = await plaidClient().sandboxPublicTokenCreate({
    institution_id: 'ins_109508',
    initial_products: [Products.Transactions],
    options: { override_username: 'user_good' },
  });
  const res = await user.api.post(
    '/v1/plaid/exchange',
    { publicToken: created.data.public_token },
    user.accessToken,
  );
  expect(res.status).toBe(202);
  const item = await waitFor(
    async () => {
      const body = (await user.api.get(`/v1/items/${res.body.item.id}`, user.accessToken)).body;
      return body.status === 'healthy' && body.lastSyncedAt ? body : undefined;
    },
    { what: 'the item linked and synced', timeoutMs: 60_000 },
  );
  return { id: res.body.item.id, plaidId: await plaidItemId(res.body.item.id), item };
}

describe('polling without webhooks', () => {
  let poller: ServiceProcess;

  beforeAll(async () => {
    const running = syncWorkerPids();
    for (const pid of running) process.kill(pid, 'SIGTERM');
    await waitFor(() => running.every((pid) => !alive(pid)), {
      what: 'the run’s sync workers to stop',
      timeoutMs: 40_000,
    });
    poller = startExtra('sync-worker', {
      HTTP_PORT: '0',
      PLAID_WEBHOOK_URL: '',
      POLL_INTERVAL_MINUTES: '0.1',
      STALE_SYNC_CHECK_SECONDS: '1',
      TRANSACTIONS_REFRESH_ON_MANUAL_SYNC: 'false',
    });
    await started(poller);
  }, 150_000);

  afterAll(async () => {
    await poller?.stop();
    // The run's sync worker again, with the run's settings; tests that kill "the" worker by pid find this one.
    await started(replaceRunService('sync-worker'));
    expect(runInfo().services['sync-worker']).toBeDefined();
  }, 150_000);

  it('keeps an item fresh with no webhook ever delivered', async () => {
    const user = await signupAndLogin(new Api(), 'polling');
    const item = await linkWithoutWebhook(user);
    const first = item.item;
    const before = (await allTransactions(user)).length;

    const added = await control<{ added: string[] }>('POST', `/items/${item.plaidId}/transactions/mutate`, {
      add: 3,
      webhook: false,
    });

    await waitFor(
      async () => {
        const listed = new Set((await allTransactions(user)).map((t) => t.id));
        return added.added.every((id) => listed.has(id));
      },
      { what: 'the bank’s new transactions, found by polling', timeoutMs: 40_000 },
    );
    expect((await allTransactions(user)).length).toBe(before + 3);
    // lastSyncedAt reaches plaid-link by an event after the rows commit in sync-worker: poll for it.
    const later = await waitFor(
      async () => {
        const body = (await user.api.get(`/v1/items/${item.id}`, user.accessToken)).body;
        return Date.parse(body.lastSyncedAt) > Date.parse(first.lastSyncedAt) ? body : undefined;
      },
      { what: 'the item’s lastSyncedAt moved by the polled sync', timeoutMs: 20_000 },
    );
    expect(later).toMatchObject({ status: 'healthy', stale: false, plaidLastUpdatedAt: expect.any(String) });
    expect(await control('GET', `/webhooks?item_id=${item.plaidId}`)).toEqual([]);
  });

  it('makes no /transactions/refresh call on a manual sync with the refresh switched off', async () => {
    const user = await signupAndLogin(new Api(), 'no-refresh');
    const item = await linkWithoutWebhook(user);
    await quiescent(item.plaidId);
    const itemGets = await calls(item.plaidId, '/item/get');

    const res = await user.api.post(`/v1/items/${item.id}/sync`, {}, user.accessToken);

    expect(res.status).toBe(202);
    // A manual sync reconciles the accounts (/item/get); polled syncs between do not.
    await waitFor(async () => (await calls(item.plaidId, '/item/get')) > itemGets, {
      what: 'the manual sync',
      timeoutMs: 30_000,
    });
    expect(await calls(item.plaidId, '/transactions/refresh')).toBe(0);
  });
});
