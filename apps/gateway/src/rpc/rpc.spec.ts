import { MessagePattern as P, RPC_ROUTES, type RoutedRpcPattern, type RpcQueueOwner } from '@app/contracts';
import { type RpcClient } from '@app/messaging';
import { strictMock } from '@app/testing';
import { Rpc } from './rpc';

describe(Rpc.name, () => {
  let sent: { owner: RpcQueueOwner; pattern: string; payload: unknown; options: unknown }[];
  let sut: Rpc;

  const client = (owner: RpcQueueOwner): RpcClient =>
    strictMock<RpcClient>(owner, {
      send: (async (pattern: string, payload: unknown, options: unknown) => {
        sent.push({ owner, pattern, payload, options });
        return { from: owner };
      }) as unknown as RpcClient['send'],
    });

  beforeEach(() => {
    sent = [];
    sut = new Rpc({ auth: client('auth'), link: client('link'), sync: client('sync') });
  });

  it('sends every routed pattern to the queue of the service that owns it', async () => {
    const routed = (Object.keys(RPC_ROUTES) as (keyof typeof RPC_ROUTES)[]).filter(
      (p): p is RoutedRpcPattern => RPC_ROUTES[p] !== 'every',
    );
    expect(routed.length).toBeGreaterThan(40);
    for (const pattern of routed) {
      // Routing looks at the pattern only (an empty payload compiles for the union of every pattern's request).
      await sut.send(pattern, {});
    }
    expect(sent.map((s) => [s.pattern, s.owner])).toEqual(routed.map((p) => [p, RPC_ROUTES[p]]));
  });

  it('passes the payload, the options and the answer through unchanged', async () => {
    const payload = { userId: 'u-1', itemId: 'i-1' };
    await expect(sut.send(P.ItemsGet, payload, { timeoutMs: 250 })).resolves.toEqual({ from: 'link' });
    expect(sent).toEqual([{ owner: 'link', pattern: P.ItemsGet, payload, options: { timeoutMs: 250 } }]);
  });
});

// Compile-time checks (`npm run check` fails when one of these lines compiles): never called.
export function refusedSends(rpc: Rpc, auth: RpcClient<'auth'>): unknown[] {
  return [
    // A service's own client takes its patterns and the ping every service answers…
    auth.send(P.AuthMe, { userId: 'u-1' }),
    auth.send(P.HealthPing, {}),
    // @ts-expect-error: …and refuses another service's pattern
    auth.send(P.AccountsList, { userId: 'u-1' }),
    // @ts-expect-error: AuthMe needs a userId
    rpc.send(P.AuthMe, {}),
    // @ts-expect-error: ItemsGet's payload is an ItemRef, not a UserScope
    rpc.send(P.ItemsGet, { userId: 'u-1' }),
    // @ts-expect-error: HealthPing is answered by every service; readiness pings each one by name
    rpc.send(P.HealthPing, {}),
    // @ts-expect-error: a pattern string is not a pattern of the contract
    rpc.send('sync.item.sync-request.v1', { userId: 'u-1', itemId: 'i-1' }),
  ];
}
