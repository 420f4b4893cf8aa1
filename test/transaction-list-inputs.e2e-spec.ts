import { Api, expectErrorShape, type LoggedInUser, signupAndLogin } from './support/api';

function cursorOf(value: unknown): string {
  return encodeURIComponent(Buffer.from(JSON.stringify(value)).toString('base64url'));
}

const SOME_ID = '3f0c9a52-8d1e-4a7b-9c3e-1b2d4e6f8a90';

// Query values that pass a naive check but that Postgres refuses (a date it cannot cast, a NUL byte) are a clear 400,
// never a 500 carrying Postgres's message.
describe('transaction list: inputs Postgres would refuse', () => {
  let user: LoggedInUser;

  beforeAll(async () => {
    user = await signupAndLogin(new Api(), 'harden-input');
  });

  it.each([
    ['an ISO week date as from', 'from=2024-W01-1'],
    ['an ISO week date as to', 'to=2024-W01-1'],
    ['an ordinal date', 'from=2024-001'],
    ['a day that does not exist', 'from=2024-02-30'],
    ['February 29th of a common year', 'to=2023-02-29'],
    ['a cursor with an impossible date', `cursor=${cursorOf(['2024-02-30', SOME_ID])}`],
    ['a cursor with a week date', `cursor=${cursorOf(['2024-W01-1', SOME_ID])}`],
    ['a cursor whose id is not a uuid', `cursor=${cursorOf(['2024-03-05', '-'.repeat(36)])}`],
    // Passes every DTO rule; Postgres refuses the NUL byte (22021) and the RPC filter answers 400.
    ['a NUL byte in search', 'search=a%00b'],
  ])('answers 400 VALIDATION_FAILED for %s', async (_what, qs) => {
    const res = await user.api.get(`/v1/transactions?${qs}`, user.accessToken);
    expect({ qs, status: res.status }).toEqual({ qs, status: 400 });
    expectErrorShape(res.body, 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(res.body)).not.toMatch(/invalid input syntax|out of range|byte sequence/);
  });

  it('still answers a well-formed cursor and real dates', async () => {
    const qs = `from=2024-02-29&to=2024-12-31&cursor=${cursorOf(['2024-03-05', SOME_ID])}`;
    const res = await user.api.get(`/v1/transactions?${qs}`, user.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], nextCursor: null });
  });
});
