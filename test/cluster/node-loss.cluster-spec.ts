import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runInfo, signupAndLogin, startExtra, type LoggedInUser } from '../support/api';
import { link, plaidItemId, waitHealthy } from '../support/linking';
import { freePort, type ServiceProcess } from '../support/processes';
import { control } from '../support/sandbox';
import { storedTransactionIds, syncedItem, transactionCount } from '../support/sync';
import { waitFor } from '../support/wait-for';
import { Cluster, type ClusterNode } from './cluster';

// Issue #17: a broker node lost under load is a non-event. Two instances of every service run against a
// three-node cluster (RABBITMQ_URL lists the three); a burst of signed webhooks (one per item, so that a later
// webhook cannot hide a lost earlier one) runs while a node is killed outright. Afterwards every webhook the
// gateway answered 200 has been synced, no transaction is missing or doubled, every item is healthy, every
// service is ready again, and the node comes back into the cluster.
const cluster = new Cluster();
const ITEMS = 8;
const INSTITUTIONS = ['ins_109508', 'ins_109509', 'ins_109510', 'ins_109511'];
// The first sync that runs while the node dies.
const LARGE_FIRST_SYNC = 10_000;

// The node the gateway's shared connection is on now (AmqpConnection logs each connect with its node).
function gatewayNode(): ClusterNode {
  const log = readFileSync(join(runInfo().logDir, 'gateway-0.log'), 'utf8');
  const connects = [
    ...log.matchAll(/"context":"AmqpConnection","node":"127\.0\.0\.1:(\d+)","msg":"broker connected"/g),
  ];
  const last = connects.at(-1);
  if (!last) throw new Error('the gateway has not logged its broker node');
  return cluster.byPort(Number(last[1]));
}

// Every service process that lost its shared connection has connected again since (its logs say so).
function allReconnected(): boolean {
  const dir = runInfo().logDir;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log') && !f.startsWith('plaid-sandbox'))
    .every((f) => {
      const lines = readFileSync(join(dir, f), 'utf8').split('\n');
      const last = (msg: string): number =>
        lines.findLastIndex((l) => l.includes('"context":"AmqpConnection"') && l.includes(`"msg":"${msg}"`));
      return last('broker connected') > last('broker disconnected');
    });
}

async function ready(): Promise<boolean> {
  const statuses = await Promise.all(
    runInfo().gateways.map((g) => fetch(`${g}/health/ready`).then((r) => r.status)),
  );
  return statuses.every((s) => s === 200);
}

describe('a broker node lost during a burst of webhooks', () => {
  const extras: ServiceProcess[] = [];
  const items: { id: string; plaidId: string; user: LoggedInUser }[] = [];

  beforeAll(async () => {
    // The second instance of each service (the system runs two gateways already).
    for (const name of ['auth', 'plaid-link', 'sync-worker'])
      extras.push(startExtra(name, { HTTP_PORT: String(await freePort()) }));
    // One item per institution and user (a user links an institution once).
    for (let u = 0; u < ITEMS / INSTITUTIONS.length; u++) {
      const user = await signupAndLogin();
      for (const institution of INSTITUTIONS) items.push({ ...(await syncedItem(user, institution)), user });
    }
  });

  afterAll(async () => {
    await Promise.all(extras.map((p) => p.stop()));
  });

  it.each([
    ['the node leading the sync events queue', () => cluster.leaderOf(`${runInfo().queuePrefix}sync.events`)],
    ["the node the gateway's connection is on", async () => gatewayNode()],
  ])('loses nothing when %s is killed', async (_what, pick) => {
    const victim = await pick();
    const before = new Map(
      await Promise.all(items.map(async (i) => [i.id, await storedTransactionIds(i.id)] as const)),
    );

    // A new item with a long history: its first sync runs while the node dies.
    const newcomer = await signupAndLogin();
    const usual = await control<{ transactions_per_item: number }>('POST', '/config', {});
    await control('POST', '/config', { transactions_per_item: LARGE_FIRST_SYNC });
    const large = await link(newcomer, { institutionId: INSTITUTIONS[0] }).finally(() =>
      control('POST', '/config', usual),
    );

    // One mutation and its webhook per item, 150 ms apart; the node dies after the third.
    const added = new Map<string, string[]>();
    const burst = (async () => {
      for (const item of items) {
        const result = await control<{ added: string[] }>(
          'POST',
          `/items/${item.plaidId}/transactions/mutate`,
          {
            add: 25,
            webhook: true,
          },
        );
        added.set(item.id, result.added);
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    await waitFor(() => added.size >= 3, { what: 'the burst to start', intervalMs: 10 });
    await cluster.kill(victim);
    await burst;

    // Every delivery settled (the emulator retries a webhook that was not answered 200).
    const deliveries = await waitFor(
      async () => {
        const all = await Promise.all(
          items.map(async (i) => {
            const list: { delivered: boolean; done: boolean; webhook_code: string }[] = await control(
              'GET',
              `/webhooks?item_id=${i.plaidId}`,
            );
            return { item: i, last: list.at(-1) };
          }),
        );
        return all.every((d) => d.last?.done) ? all : undefined;
      },
      { what: 'every webhook delivery to settle', timeoutMs: 120_000, intervalMs: 500 },
    );
    const accepted = deliveries.filter((d) => d.last?.delivered).map((d) => d.item);
    expect(accepted.length).toBe(ITEMS);

    for (const item of accepted) {
      const expected = [...(before.get(item.id) ?? []), ...(added.get(item.id) ?? [])];
      await waitFor(
        async () => {
          const stored = await storedTransactionIds(item.id);
          return expected.every((id) => stored.has(id));
        },
        { what: `item ${item.id}'s webhook to be synced`, timeoutMs: 120_000, intervalMs: 500 },
      );
      const summary = await control<{ transaction_count: number }>('GET', `/items/${item.plaidId}`);
      const count = await transactionCount(item.id);
      expect(count.n).toBe(count.distinct);
      expect(count.n).toBe(summary.transaction_count);
      await waitHealthy(item.user, item.id);
    }
    await waitHealthy(newcomer, large.id);
    const largeTotal = (
      await control<{ transaction_count: number }>('GET', `/items/${await plaidItemId(large.id)}`)
    ).transaction_count;
    expect(largeTotal).toBeGreaterThanOrEqual(LARGE_FIRST_SYNC);
    const largeCount = await waitFor(
      async () => {
        const count = await transactionCount(large.id);
        return count.n >= largeTotal ? count : undefined;
      },
      { what: 'the large first sync to finish', timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(largeCount).toEqual({ n: largeTotal, distinct: largeTotal });
    await waitFor(ready, { what: 'every gateway to be ready again', timeoutMs: 60_000, intervalMs: 500 });
    await waitFor(allReconnected, { what: 'every service to reconnect', timeoutMs: 30_000, intervalMs: 500 });

    await cluster.restart(victim);
    await waitFor(async () => (await cluster.runningNodes()).length === cluster.nodes.length, {
      what: `${victim.name} to rejoin the cluster`,
      timeoutMs: 60_000,
      intervalMs: 500,
    });
  });
});
