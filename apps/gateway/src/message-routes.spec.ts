import { servedPatterns } from '@app/messaging';
import { AppModule } from './app.module';
import { GatewayConfig } from './config';

// The gateway only sends: RPC_ROUTES and EVENT_ROUTES route nothing to it (its broadcast subscriptions, SessionRevoked
// and UserEvent, are fanout consumers of their own, not Nest handlers), so it must serve none.
describe('gateway message routes', () => {
  const served = servedPatterns(AppModule.forRoot(new GatewayConfig()));

  it('serves no RPC pattern and handles no event', () => {
    expect(served).toEqual({ rpc: [], events: [], untyped: [] });
  });
});
