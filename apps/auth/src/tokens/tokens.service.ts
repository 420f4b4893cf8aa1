import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { parseJwtKeys } from '@app/common';
import { type AccessTokenClaims } from '@app/contracts';
import { SignJWT } from 'jose';
import { APP_CONFIG, AuthConfig } from '../config';

export const JWT_ISSUER = 'plaid-backend/auth';
export const JWT_AUDIENCE = 'plaid-backend';

export interface IssuedRefreshToken {
  id: string;
  token: string;
  hash: Buffer;
  expiresAt: Date;
}

@Injectable()
export class TokensService {
  // The first key of JWT_KEYS (or JWT_SECRET as kid "default") signs; its kid goes in the header so that the
  // gateway can pick the key, and older keys stay valid there until the tokens they signed expire.
  private readonly key: Uint8Array;
  private readonly kid: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AuthConfig) {
    const [signing] = parseJwtKeys(config);
    this.key = new TextEncoder().encode(signing.secret);
    this.kid = signing.kid;
  }

  get accessTtlSeconds(): number {
    return this.config.ACCESS_TOKEN_TTL_SECONDS;
  }

  signAccessToken(userId: string, sessionId: string): Promise<string> {
    const claims: Omit<AccessTokenClaims, 'sub'> = { sid: sessionId, typ: 'access' };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: this.kid })
      .setSubject(userId)
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${this.config.ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(this.key);
  }

  // "<id>.<secret>": the id finds the row, the secret is checked against its stored hash.
  issueRefreshToken(): IssuedRefreshToken {
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    return {
      id,
      token: `${id}.${secret}`,
      hash: sha256(secret),
      expiresAt: new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000),
    };
  }

  parseRefreshToken(token: string): { id: string; secret: string } | null {
    const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
    return match ? { id: match[1], secret: match[2] } : null;
  }

  secretMatches(secret: string, storedHash: Buffer): boolean {
    const candidate = sha256(secret);
    return storedHash.length === candidate.length && timingSafeEqual(candidate, storedHash);
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
