import { routedTo } from '@app/contracts';
import { servedPatterns } from '@app/messaging';
import { AppModule } from './app.module';
import { SyncConfig } from './config';

// The message map is checked here, not only drawn: sync-worker serves exactly the RPC patterns and events that
// RPC_ROUTES and EVENT_ROUTES send to its queues, each through a handler typed against the contract.
describe('sync-worker message routes', () => {
  const served = servedPatterns(AppModule.forRoot(new SyncConfig()));
  const routed = routedTo('sync');

  it('serves exactly the RPC patterns routed to it', () => {
    expect(served.rpc).toEqual([...routed.rpc].sort());
  });

  it('handles exactly the events routed to its events queue', () => {
    expect(served.events).toEqual([...routed.events].sort());
  });

  it('declares every handler with a typed decorator (@RpcHandler / @EventHandler)', () => {
    expect(served.untyped).toEqual([]);
  });
});
