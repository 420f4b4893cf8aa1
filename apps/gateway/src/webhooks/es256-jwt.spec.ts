import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import { decodeJwt, importEs256Key, JwtRejected, verifyEs256 } from './es256-jwt';

// Tokens are made by jose, an independent implementation, so these checks do not grade our own homework.
describe('ES256 webhook JWTs', () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = Math.floor(Date.now() / 1000);
  const rules = { maxAgeSeconds: 300, clockToleranceSeconds: 5, nowSeconds: now };
  let key: ReturnType<typeof importEs256Key>;

  beforeAll(async () => {
    const jwk = await exportJWK(pair.publicKey);
    key = importEs256Key({ kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! });
  });

  const sign = (claims: Record<string, unknown>, privateKey = pair.privateKey, header = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', ...header }).sign(privateKey);

  const check = async (token: string | Promise<string>) => verifyEs256(decodeJwt(await token), key, rules);

  it('accepts a fresh token signed by the key, and exposes its claims', async () => {
    const token = await sign({ iat: now - 10, request_body_sha256: 'ab' });
    const jwt = decodeJwt(token);
    expect(() => verifyEs256(jwt, key, rules)).not.toThrow();
    expect(jwt.header).toEqual({ alg: 'ES256', kid: 'k1' });
    expect(jwt.payload.request_body_sha256).toBe('ab');
  });

  it.each([
    ['signed by another key', () => sign({ iat: now }, other.privateKey)],
    ['older than the maximum age', () => sign({ iat: now - 306 })],
    ['issued in the future beyond the tolerance', () => sign({ iat: now + 6 })],
    ['without iat', () => sign({})],
    ['with a non-numeric iat', () => sign({ iat: String(now) })],
    ['expired', () => sign({ iat: now - 10, exp: now - 6 })],
    ['not valid yet', () => sign({ iat: now, nbf: now + 60 })],
    ['carrying a crit header', () => sign({ iat: now }, pair.privateKey, { crit: ['b64'], b64: true })],
  ])('refuses a token %s', async (_what, make) => {
    await expect(check(make())).rejects.toBeInstanceOf(JwtRejected);
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [h, , s] = (await sign({ iat: now, request_body_sha256: 'ab' })).split('.');
    const forged = Buffer.from(JSON.stringify({ iat: now, request_body_sha256: 'cd' })).toString('base64url');
    await expect(check(`${h}.${forged}.${s}`)).rejects.toThrow('signature verification failed');
  });

  it('refuses other algorithms and malformed tokens before any signature check', async () => {
    const hs = await new SignJWT({ iat: now })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(new TextEncoder().encode('x'.repeat(32)));
    await expect(check(hs)).rejects.toThrow('algorithm HS256 refused');
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iat: now })).toString('base64url');
    for (const bad of [
      `${header}.${payload}.`,
      'a.b',
      'not-a-jwt',
      `${header}.${payload}.x.y`,
      'W10.W10.AA',
    ]) {
      expect(() => verifyEs256(decodeJwt(bad), key, rules)).toThrow(JwtRejected);
    }
  });

  it('imports only P-256 keys', () => {
    expect(() => importEs256Key({ kty: 'EC', crv: 'P-384', x: 'a', y: 'b' })).toThrow(JwtRejected);
    expect(() => importEs256Key({ kty: 'RSA', crv: '', x: '', y: '' })).toThrow(JwtRejected);
  });
});
