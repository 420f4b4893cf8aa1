import { routedTo } from '@app/contracts';
import { servedPatterns } from '@app/messaging';
import { AppModule } from './app.module';
import { AuthConfig } from './config';

// The message map is checked here, not only drawn: auth serves exactly the RPC patterns and events that
// RPC_ROUTES and EVENT_ROUTES send to its queues, each through a handler typed against the contract.
describe('auth message routes', () => {
  const served = servedPatterns(AppModule.forRoot(new AuthConfig()));
  const routed = routedTo('auth');

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
