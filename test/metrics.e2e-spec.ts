import { Api, type LoggedInUser, runInfo, signupAndLogin } from './support/api';
import { link, waitHealthy } from './support/linking';

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

function serviceUrl(name: string): string {
  return `http://127.0.0.1:${runInfo().services[name].env.HTTP_PORT}`;
}

describe('metrics', () => {
  let user: LoggedInUser;

  beforeAll(async () => {
    user = await signupAndLogin(new Api(), 'metrics');
    const item = await link(user, { institutionId: 'ins_109508' });
    await waitHealthy(user, item.id);
  });

  it('gateway: HTTP latency histograms by route template, on the metrics port only', async () => {
    const text = await scrape(`${runInfo().gatewayMetrics[0]}/metrics`);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/v1\/items\/:id"/);
    expect(text).toContain('process_resident_memory_bytes');
    const publicPort = await fetch(`${runInfo().gateways[0]}/metrics`);
    expect(publicPort.status).toBe(404);
  });

  it('sync-worker: messages, Plaid calls, sync duration, transactions, seconds since last sync', async () => {
    const text = await scrape(`${serviceUrl('sync-worker')}/metrics`);
    expect(text).toMatch(
      /messages_consumed_total\{queue="[^"]*sync\.events",pattern="link\.item\.linked\.v1"\} [1-9]/,
    );
    expect(text).toMatch(
      /plaid_calls_total\{endpoint="\/transactions\/sync",status="200",error_code=""\} [1-9]/,
    );
    expect(text).toMatch(/sync_duration_seconds_count [1-9]/);
    expect(text).toMatch(/sync_transactions_applied_total\{kind="upserted"\} [1-9]/);
    expect(text).toMatch(/item_seconds_since_last_sync\{item_id="[0-9a-f-]{36}"\} \d/);
  });

  it('plaid-link: items by status and Plaid calls', async () => {
    const text = await scrape(`${serviceUrl('plaid-link')}/metrics`);
    expect(text).toMatch(/items_by_status\{status="healthy"\} [1-9]/);
    expect(text).toMatch(/plaid_calls_total\{endpoint="\/item\/public_token\/exchange"/);
  });

  it('auth: messages consumed per pattern', async () => {
    const text = await scrape(`${serviceUrl('auth')}/metrics`);
    expect(text).toMatch(/messages_consumed_total\{queue="[^"]*auth\.rpc",pattern="auth\.login\.v1"\} [1-9]/);
  });
});
