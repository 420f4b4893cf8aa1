import { SEAL_PURPOSE, Sealer } from './sealed';

describe(Sealer.name, () => {
  const sealer = new Sealer('a shared secret of at least 32 characters');

  it('opens what it sealed, for the same purpose only', () => {
    const sealed = sealer.seal('correct horse battery', SEAL_PURPOSE.password);
    expect(sealed).not.toContain('correct horse');
    expect(sealer.open(sealed, SEAL_PURPOSE.password)).toBe('correct horse battery');
    expect(sealer.open(sealed, SEAL_PURPOSE.refreshToken)).toBeNull();
  });

  it('refuses tampered input and other keys', () => {
    const sealed = sealer.seal('secret', SEAL_PURPOSE.password);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(sealer.open(parts.join('.'), SEAL_PURPOSE.password)).toBeNull();
    expect(
      new Sealer('another shared secret of 32+ characters!').open(sealed, SEAL_PURPOSE.password),
    ).toBeNull();
    expect(sealer.open('plain-text', SEAL_PURPOSE.password)).toBeNull();
  });
});
