import { randomUUID } from 'node:crypto';
import { Api, expectErrorShape, type LoggedInUser, signupAndLogin } from './support/api';
import { db } from './support/db';
import { waitHealthy } from './support/linking';
import { control, sandboxPublicToken } from './support/sandbox';
import { waitFor } from './support/wait-for';

// plaid-link counts in fixed 60 s windows aligned to the epoch: a burst that straddles a window's end is split
// between two windows and might stay under the limit in each. Start bursts well inside a window.
async function insideOneWindow(): Promise<void> {
  await waitFor(() => Date.now() % 60_000 < 50_000, { what: 'a fresh rate-limit window', timeoutMs: 15_000 });
}

async function exchangesAtPlaid(): Promise<number> {
  return (await control<{ total: number }>('GET', '/calls?endpoint=/item/public_token/exchange')).total;
}

describe('bank linking limits under a flood', () => {
  let flooder: LoggedInUser;
  let other: LoggedInUser;

  beforeAll(async () => {
    flooder = await signupAndLogin(new Api(), 'link-flood');
    other = await signupAndLogin(new Api(), 'link-bystander');
  });

  it("answers 30 concurrent junk exchanges with some 429s and no 5xx, while another user's linking succeeds", async () => {
    const publicToken = await sandboxPublicToken({ institutionId: 'ins_109508' });
    // A slow Plaid: every exchange waits at Plaid, as a flood of them would hold plaid-link's connections before.
    const rule = await control('POST', '/failures', {
      endpoint: '/item/public_token/exchange',
      delay_ms: 1500,
    });
    const before = await exchangesAtPlaid();
    try {
      await insideOneWindow();
      const flood = Array.from({ length: 30 }, () =>
        flooder.api.post(
          '/v1/plaid/exchange',
          { publicToken: `public-sandbox-junk-${randomUUID()}` },
          flooder.accessToken,
        ),
      );
      // The other user's requests arrive while the flood's exchanges wait on Plaid.
      await waitFor(async () => (await exchangesAtPlaid()) >= before + 10, {
        what: 'the flood in flight at Plaid',
        timeoutMs: 10_000,
      });
      const [linkToken, exchanged] = await Promise.all([
        other.api.post('/v1/plaid/link-token', {}, other.accessToken),
        other.api.post('/v1/plaid/exchange', { publicToken }, other.accessToken),
      ]);
      const answers = await Promise.all(flood);

      expect(linkToken.status).toBe(200);
      expect(exchanged.status).toBe(202);
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      const limited = answers.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      for (const res of limited) {
        expectErrorShape(res.body, 429, 'RATE_LIMITED');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      // Every junk token that reached Plaid gave its claim back.
      const [{ n }] = await db<{ n: string }>('SELECT count(*) AS n FROM link.exchanges WHERE user_id = $1', [
        flooder.id,
      ]);
      expect(Number(n)).toBe(0);
      await waitHealthy(other, exchanged.body.item.id);
    } finally {
      await control('DELETE', `/failures/${rule.id}`).catch(() => undefined);
    }
  });

  it('answers 429 with Retry-After past the per-user link-token limit, and leaves other users alone', async () => {
    const user = await signupAndLogin(new Api(), 'link-token-flood');
    await insideOneWindow();
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => user.api.post('/v1/plaid/link-token', {}, user.accessToken)),
    );

    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBe(5);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await other.api.post('/v1/plaid/link-token', {}, other.accessToken)).status).toBe(200);
  });
});
