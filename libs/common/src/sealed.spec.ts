import { requestContext } from './request-context';
import { SEAL_PURPOSE, Sealer } from './sealed';

const SECRET = 'a sealing secret of at least 32 characters';

describe(Sealer.name, () => {
  let clock: number;
  let sut: Sealer;

  beforeEach(() => {
    clock = Date.UTC(2026, 0, 1);
    sut = new Sealer(SECRET, { now: () => clock });
  });

  function withPart(sealed: string, index: number, change: (part: Buffer) => Buffer): string {
    const parts = sealed.split('.');
    parts[index] = change(Buffer.from(parts[index], 'base64url')).toString('base64url');
    return parts.join('.');
  }

  it('opens what it sealed, for the same purpose only', () => {
    const sealed = sut.seal('correct horse battery', SEAL_PURPOSE.password);
    expect(sealed).not.toContain('correct horse');
    expect(sut.open(sealed, SEAL_PURPOSE.password)).toBe('correct horse battery');
    expect(sut.open(sealed, SEAL_PURPOSE.refreshToken)).toBeNull();
  });

  it('refuses tampered input and other keys', () => {
    const sealed = sut.seal('secret', SEAL_PURPOSE.password);
    expect(
      sut.open(
        withPart(sealed, 4, () => Buffer.from('other')),
        SEAL_PURPOSE.password,
      ),
    ).toBeNull();
    expect(
      new Sealer('another sealing secret of 32+ characters', { now: () => clock }).open(
        sealed,
        SEAL_PURPOSE.password,
      ),
    ).toBeNull();
    expect(sut.open('plain-text', SEAL_PURPOSE.password)).toBeNull();
  });

  it('refuses a tag cut to 4 bytes (GCM accepts short tags unless told the length)', () => {
    const sealed = sut.seal('secret', SEAL_PURPOSE.password);
    expect(
      sut.open(
        withPart(sealed, 2, (tag) => tag.subarray(0, 4)),
        SEAL_PURPOSE.password,
      ),
    ).toBeNull();
    expect(
      sut.open(
        withPart(sealed, 2, (tag) => tag.subarray(0, 15)),
        SEAL_PURPOSE.password,
      ),
    ).toBeNull();
  });

  it('refuses an IV of another length', () => {
    const sealed = sut.seal('secret', SEAL_PURPOSE.password);
    expect(
      sut.open(
        withPart(sealed, 1, (iv) => Buffer.concat([iv, Buffer.alloc(4)])),
        SEAL_PURPOSE.password,
      ),
    ).toBeNull();
    expect(
      sut.open(
        withPart(sealed, 1, (iv) => iv.subarray(0, 8)),
        SEAL_PURPOSE.password,
      ),
    ).toBeNull();
  });

  it('refuses a value sealed for another context', () => {
    const sealed = sut.seal('secret', SEAL_PURPOSE.password, 'req-1');
    expect(sut.open(sealed, SEAL_PURPOSE.password, 'req-1')).toBe('secret');
    expect(sut.open(sealed, SEAL_PURPOSE.password, 'req-2')).toBeNull();
    expect(sut.open(sealed, SEAL_PURPOSE.password, '')).toBeNull();
  });

  it('binds the current request id when no context is given', () => {
    const sealed = requestContext.run({ requestId: 'req-a' }, () =>
      sut.seal('secret', SEAL_PURPOSE.password),
    );
    expect(requestContext.run({ requestId: 'req-a' }, () => sut.open(sealed, SEAL_PURPOSE.password))).toBe(
      'secret',
    );
    expect(
      requestContext.run({ requestId: 'req-b' }, () => sut.open(sealed, SEAL_PURPOSE.password)),
    ).toBeNull();
    expect(sut.open(sealed, SEAL_PURPOSE.password)).toBeNull();
  });

  it('refuses a value once its minute has passed', () => {
    const sealed = sut.seal('secret', SEAL_PURPOSE.password);
    clock += 59_000;
    expect(sut.open(sealed, SEAL_PURPOSE.password)).toBe('secret');
    clock += 2_000;
    expect(sut.open(sealed, SEAL_PURPOSE.password)).toBeNull();
  });

  it('refuses a changed expiry, later or earlier', () => {
    const sealed = sut.seal('secret', SEAL_PURPOSE.password);
    const parts = sealed.split('.');
    for (const delta of [10, -10]) {
      const changed = [...parts];
      changed[3] = String(Number(parts[3]) + delta);
      expect(sut.open(changed.join('.'), SEAL_PURPOSE.password)).toBeNull();
    }
  });

  it('refuses an expiry further ahead than a sealer sets, whoever sealed it', () => {
    const longLived = new Sealer(SECRET, { now: () => clock, ttlSeconds: 3600 });
    expect(sut.open(longLived.seal('secret', SEAL_PURPOSE.password), SEAL_PURPOSE.password)).toBeNull();
  });

  it('opens a value from a sealer whose clock runs a little ahead', () => {
    const ahead = new Sealer(SECRET, { now: () => clock + 10_000 });
    expect(sut.open(ahead.seal('secret', SEAL_PURPOSE.password), SEAL_PURPOSE.password)).toBe('secret');
  });

  it('refuses values in the old s1 format and malformed parts', () => {
    const sealed = sut.seal('secret', SEAL_PURPOSE.password);
    const [, iv, tag, exp, body] = sealed.split('.');
    expect(sut.open(['s1', iv, tag, body].join('.'), SEAL_PURPOSE.password)).toBeNull();
    expect(sut.open(['s2', iv, tag, '1e12', body].join('.'), SEAL_PURPOSE.password)).toBeNull();
    expect(sut.open(['s2', `${iv}!`, tag, exp, body].join('.'), SEAL_PURPOSE.password)).toBeNull();
    expect(sut.open(`${sealed}.extra`, SEAL_PURPOSE.password)).toBeNull();
  });
});
