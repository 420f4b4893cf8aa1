import { execFileSync } from 'node:child_process';
import { topology } from '@app/contracts';
import { Api, type LoggedInUser, runInfo, signupAndLogin, startExtra } from './support/api';
import { type ServiceProcess } from './support/processes';
import { control } from './support/sandbox';
import { allTransactions, quiescent, syncedItem, transactionCount } from './support/sync';
import { waitFor } from './support/wait-for';

// Consumers of each queue now, from list_consumers (list_queues reports none for quorum queues on RabbitMQ 3.10).
function consumersByQueue(): Map<string, number> {
  const out = execFileSync('rabbitmqctl', ['-q', 'list_consumers', 'queue_name'], { encoding: 'utf8' });
  const counts = new Map<string, number>();
  for (const name of out.split('\n').map((l) => l.trim()))
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

// Two instances of every service at once (the run's own two gateways, and a second auth, plaid-link and
// sync-worker): competing consumers share every queue, and what users see is exactly what the bank has.
describe('two instances of every service', () => {
  const extras: ServiceProcess[] = [];

  afterAll(async () => {
    await Promise.all(extras.map((e) => e.stop()));
  });

  it('signs up, links, syncs and reads through either gateway with every queue served twice', async () => {
    const t = topology(runInfo().queuePrefix);
    const queues = [t.authRpc, t.linkRpc, t.syncRpc, t.events.link, t.events.sync];
    const before = consumersByQueue();
    for (const name of ['auth', 'plaid-link', 'sync-worker'])
      extras.push(startExtra(name, { HTTP_PORT: '0' }));
    await waitFor(
      () => {
        const now = consumersByQueue();
        return queues.every((q) => (now.get(q) ?? 0) > (before.get(q) ?? 0));
      },
      { what: 'a second consumer on every queue', timeoutMs: 30_000 },
    );

    const users: LoggedInUser[] = [];
    for (const baseUrl of runInfo().gateways) users.push(await signupAndLogin(new Api(baseUrl), 'scale-out'));
    const items = [];
    for (const user of users)
      for (const institution of ['ins_109508', 'ins_109509'])
        items.push({ user, ...(await syncedItem(user, institution)) });

    // A change at the bank for every item at once, each announced by a webhook: syncs spread over both workers.
    await Promise.all(
      items.map(({ plaidId }) =>
        control('POST', `/items/${plaidId}/transactions/mutate`, { add: 3, remove: 1, webhook: true }),
      ),
    );
    for (const { plaidId } of items) await quiescent(plaidId);

    for (const { user, id, plaidId } of items) {
      const { transaction_count: atBank } = await control('GET', `/items/${plaidId}`);
      expect(await transactionCount(id)).toEqual({ n: atBank, distinct: atBank });
      // Either gateway answers the same, for its own user only.
      const listed = await allTransactions(user, `itemId=${id}`);
      const viaOther = await allTransactions(
        { ...user, api: new Api(runInfo().gateways.find((g) => g !== user.api.baseUrl)) },
        `itemId=${id}`,
      );
      expect(listed).toHaveLength(atBank);
      expect(viaOther).toEqual(listed);
    }
    const [first, second] = users;
    const foreign = items.find((i) => i.user === second)!;
    expect((await first.api.get(`/v1/items/${foreign.id}`, first.accessToken)).status).toBe(404);
  });
});
