import { createPublicKey, type KeyObject, verify } from 'node:crypto';

// Compact ES256 JWTs verified with node:crypto on a KeyObject: ~0.1 ms less per webhook than jose's WebCrypto
// path (docs/PERFORMANCE.md). Only what Plaid's webhooks use is accepted: three base64url segments, JSON
// objects, no `crit` extensions, a 64-byte (IEEE P1363) P-256 signature.

export class JwtRejected extends Error {}

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
// Plaid's tokens are ~0.5 KB; anything far larger is refused before it is split, decoded or parsed.
export const MAX_JWT_LENGTH = 4096;

function parseSegment(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwtRejected(`malformed JWT ${what}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtRejected(`malformed JWT ${what}`);
  }
  return value as Record<string, unknown>;
}

// Splits and parses a token without trusting anything in it yet.
export function decodeJwt(token: string): DecodedJwt {
  if (token.length > MAX_JWT_LENGTH) throw new JwtRejected('oversized JWT');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) throw new JwtRejected('malformed JWT');
  return {
    header: parseSegment(parts[0], 'header'),
    payload: parseSegment(parts[1], 'payload'),
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: Buffer.from(parts[2], 'base64url'),
  };
}

// A P-256 public key from its JWK coordinates; anything else is refused.
export function importEs256Key(jwk: { kty: string; crv: string; x: string; y: string }): KeyObject {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new JwtRejected(`unsupported key ${jwk.kty}/${jwk.crv}`);
  return createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
}

export interface ClaimRules {
  maxAgeSeconds: number;
  clockToleranceSeconds: number;
  nowSeconds?: number;
}

// Checks the signature, then the time claims: iat is required, at most maxAge old and not in the future;
// exp and nbf are honoured when present.
export function verifyEs256(jwt: DecodedJwt, key: KeyObject, rules: ClaimRules): void {
  if (jwt.header.alg !== 'ES256') throw new JwtRejected(`algorithm ${String(jwt.header.alg)} refused`);
  if (jwt.header.crit !== undefined) throw new JwtRejected('crit header refused');
  if (jwt.signature.length !== 64) throw new JwtRejected('signature is not a P-256 signature');
  const valid = verify(
    'sha256',
    Buffer.from(jwt.signingInput, 'ascii'),
    { key, dsaEncoding: 'ieee-p1363' },
    jwt.signature,
  );
  if (!valid) throw new JwtRejected('signature verification failed');

  const now = rules.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = rules.clockToleranceSeconds;
  const { iat, exp, nbf } = jwt.payload;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new JwtRejected('missing iat');
  if (iat > now + tolerance) throw new JwtRejected('iat is in the future');
  if (now - iat - tolerance > rules.maxAgeSeconds) throw new JwtRejected('token is too old');
  if (exp !== undefined && (typeof exp !== 'number' || now - tolerance >= exp)) {
    throw new JwtRejected('token has expired');
  }
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + tolerance)) {
    throw new JwtRejected('token is not valid yet');
  }
}
