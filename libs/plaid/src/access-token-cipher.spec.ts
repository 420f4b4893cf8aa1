import { randomBytes } from 'node:crypto';
import { AccessTokenCipher, generateEncryptionKey, parseEncryptionKeys } from './access-token-cipher';

const ITEM_ID = 'item-sandbox-123';
const TOKEN = 'access-sandbox-0b7c4f6a-1d2e-4f3a-9b8c-7d6e5f4a3b2c';

const keyOf = (bytes = 32) => randomBytes(bytes).toString('base64');

// Flips one character of one blob segment (0 = version … 4 = ciphertext).
function tamper(blob: string, segment: number): string {
  const parts = blob.split('.');
  const s = parts[segment];
  const swapped = s[0] === 'A' ? 'B' : 'A';
  parts[segment] = swapped + s.slice(1);
  return parts.join('.');
}

describe(AccessTokenCipher.name, () => {
  const oldKeys = `k2024:${keyOf()}`;

  it('round-trips a token and hides it in a v1 blob', () => {
    const cipher = new AccessTokenCipher(oldKeys);

    const blob = cipher.encrypt(TOKEN, ITEM_ID);

    expect(blob).toMatch(/^v1\.k2024\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(blob).not.toContain(TOKEN);
    expect(cipher.decrypt(blob, ITEM_ID)).toBe(TOKEN);
  });

  it('uses a fresh IV for every encryption', () => {
    const cipher = new AccessTokenCipher(oldKeys);

    const a = cipher.encrypt(TOKEN, ITEM_ID);
    const b = cipher.encrypt(TOKEN, ITEM_ID);

    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
  });

  it.each([
    ['the IV', 2],
    ['the tag', 3],
    ['the ciphertext', 4],
  ])('detects tampering with %s', (_what, segment) => {
    const cipher = new AccessTokenCipher(oldKeys);
    const blob = cipher.encrypt(TOKEN, ITEM_ID);

    expect(() => cipher.decrypt(tamper(blob, segment), ITEM_ID)).toThrow(/failed authentication|malformed/);
  });

  it('rejects a blob moved to another owner (wrong aad)', () => {
    const cipher = new AccessTokenCipher(oldKeys);
    const blob = cipher.encrypt(TOKEN, ITEM_ID);

    expect(() => cipher.decrypt(blob, 'item-sandbox-other')).toThrow(/failed authentication.*AAD/);
  });

  it('refuses an empty aad', () => {
    const cipher = new AccessTokenCipher(oldKeys);

    expect(() => cipher.encrypt(TOKEN, '')).toThrow(/AAD/);
  });

  it('names an unknown key id', () => {
    const blob = new AccessTokenCipher(`gone:${keyOf()}`).encrypt(TOKEN, ITEM_ID);

    expect(() => new AccessTokenCipher(oldKeys).decrypt(blob, ITEM_ID)).toThrow(/unknown key id "gone"/);
  });

  it('rejects a blob encrypted under a different key with the same kid', () => {
    const blob = new AccessTokenCipher(`k2024:${keyOf()}`).encrypt(TOKEN, ITEM_ID);

    expect(() => new AccessTokenCipher(oldKeys).decrypt(blob, ITEM_ID)).toThrow(/failed authentication/);
  });

  it.each(['', 'v1.k2024.abc', 'v2.k2024.a.b.c', 'v1.k2024.!!!.b.c', 'v1.bad.kid.a.b.c'])(
    'rejects the malformed blob %p',
    (blob) => {
      const cipher = new AccessTokenCipher(oldKeys);

      expect(() => cipher.decrypt(blob, ITEM_ID)).toThrow(/malformed/);
    },
  );

  it('keeps old blobs readable after a key rotation and flags them for re-encryption', () => {
    const before = new AccessTokenCipher(oldKeys);
    const blob = before.encrypt(TOKEN, ITEM_ID);
    expect(before.needsReencrypt(blob)).toBe(false);

    const after = new AccessTokenCipher(`k2025:${keyOf()},${oldKeys}`);

    expect(after.currentKeyId).toBe('k2025');
    expect(after.decrypt(blob, ITEM_ID)).toBe(TOKEN);
    expect(after.needsReencrypt(blob)).toBe(true);
    const rewritten = after.encrypt(after.decrypt(blob, ITEM_ID), ITEM_ID);
    expect(rewritten.split('.')[1]).toBe('k2025');
    expect(after.needsReencrypt(rewritten)).toBe(false);
    expect(() => before.decrypt(rewritten, ITEM_ID)).toThrow(/unknown key id "k2025"/);
  });

  it('accepts whitespace around entries', () => {
    const cipher = new AccessTokenCipher(` a:${keyOf()} , b:${keyOf()} `);

    expect(cipher.currentKeyId).toBe('a');
  });
});

describe('AccessTokenCipher.reencrypt', () => {
  const oldKey = `old:${keyOf()}`;
  const newKey = `new:${keyOf()}`;

  it('moves a blob to the current key, which then opens it alone', () => {
    const blob = new AccessTokenCipher(oldKey).encrypt(TOKEN, ITEM_ID);
    const rotated = new AccessTokenCipher(`${newKey},${oldKey}`);

    const moved = rotated.reencrypt(blob, ITEM_ID);

    expect(moved).toMatch(/^v1\.new\./);
    expect(new AccessTokenCipher(newKey).decrypt(moved!, ITEM_ID)).toBe(TOKEN);
    expect(() => new AccessTokenCipher(oldKey).decrypt(moved!, ITEM_ID)).toThrow(/unknown key id "new"/);
  });

  it('answers null for a blob already under the current key', () => {
    const rotated = new AccessTokenCipher(`${newKey},${oldKey}`);

    expect(rotated.reencrypt(rotated.encrypt(TOKEN, ITEM_ID), ITEM_ID)).toBeNull();
  });

  it('keeps the owner binding: a blob of another item does not move', () => {
    const blob = new AccessTokenCipher(oldKey).encrypt(TOKEN, ITEM_ID);

    expect(() => new AccessTokenCipher(`${newKey},${oldKey}`).reencrypt(blob, 'item-other')).toThrow(
      /failed authentication/,
    );
  });

  it('throws for a blob under a key it no longer holds', () => {
    const blob = new AccessTokenCipher(oldKey).encrypt(TOKEN, ITEM_ID);

    expect(() => new AccessTokenCipher(newKey).reencrypt(blob, ITEM_ID)).toThrow(/unknown key id "old"/);
  });
});

describe(parseEncryptionKeys.name, () => {
  it.each([
    ['an empty string', '', /empty/],
    ['an entry without a kid', keyOf(), /not "kid:base64"/],
    ['a kid with a dot', `a.b:${keyOf()}`, /key id must match/],
    ['a kid longer than 32 characters', `${'k'.repeat(33)}:${keyOf()}`, /key id must match/],
    ['a duplicate kid', `a:${keyOf()},a:${keyOf()}`, /appears twice/],
    ['a 16-byte key', `a:${keyOf(16)}`, /16 bytes, expected 32/],
    ['a 33-byte key', `a:${keyOf(33)}`, /33 bytes, expected 32/],
    ['non-base64 text', `a:${'!'.repeat(44)}`, /not valid base64/],
    ['a trailing comma', `a:${keyOf()},`, /not "kid:base64"/],
  ])('rejects %s', (_what, raw, message) => {
    expect(() => parseEncryptionKeys(raw)).toThrow(message);
  });

  it('never echoes key material in its errors', () => {
    const secretKey = keyOf(31);

    expect(() => parseEncryptionKeys(`a:${secretKey}`)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secretKey) }),
    );
  });
});

describe(generateEncryptionKey.name, () => {
  it('makes distinct keys the cipher accepts', () => {
    const a = generateEncryptionKey();
    const b = generateEncryptionKey();

    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64')).toHaveLength(32);
    expect(new AccessTokenCipher(`a:${a},b:${b}`).currentKeyId).toBe('a');
  });
});
