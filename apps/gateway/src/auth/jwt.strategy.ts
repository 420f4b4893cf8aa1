import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { DEFAULT_JWT_KID, parseJwtKeys } from '@app/common';
import { type AccessTokenClaims, DomainError, ErrorCode } from '@app/contracts';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { RevocationsService } from './revocations.service';

export interface AuthenticatedUser {
  userId: string;
  sessionId: string;
}

export const JWT_ISSUER = 'plaid-backend/auth';
export const JWT_AUDIENCE = 'plaid-backend';
// How far in the future a token's `iat` may lie (clocks of auth and gateway drift a little).
export const JWT_CLOCK_SKEW_SECONDS = 30;

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly revocations: RevocationsService,
  ) {
    // KeyObjects: given a string, jsonwebtoken first tries (and fails) to parse it as a public key on every
    // request (~0.5 ms of CPU each, measured in bench/).
    const keys = new Map<string, KeyObject>(
      parseJwtKeys(config).map((k) => [k.kid, createSecretKey(Buffer.from(k.secret))]),
    );
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // The header's kid picks the key (a token without one: the "default" key, i.e. JWT_SECRET); a kid not in
      // the list fails (401), so a key removed from JWT_KEYS stops verifying at once.
      // passport-jwt passes the key to jsonwebtoken untouched; its types only name string and Buffer.
      secretOrKeyProvider: (
        _req: unknown,
        rawJwtToken: string,
        done: (err: unknown, key?: Buffer) => void,
      ) => {
        const key = keys.get(headerKid(rawJwtToken) ?? DEFAULT_JWT_KID);
        if (key) done(null, key as unknown as Buffer);
        else done(new Error('unknown signing key'));
      },
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  // Returning false makes passport answer 401. jsonwebtoken checks `exp` only when present: a signed token
  // without one (or without `iat`, or issued in the future) would never expire, so it is refused here.
  validate(claims: Partial<AccessTokenClaims> & { exp?: unknown; iat?: unknown }): AuthenticatedUser | false {
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || typeof claims.sid !== 'string')
      return false;
    if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return false;
    if (claims.iat > Date.now() / 1000 + JWT_CLOCK_SKEW_SECONDS) return false;
    // Before the revocation list is read, a revoked token looks good: refuse every token for now (503).
    if (!this.revocations.isLoaded())
      throw new DomainError(ErrorCode.ServiceUnavailable, 'Sign-in checks are starting; try again shortly');
    if (this.revocations.isRevoked(claims.sid)) return false;
    return { userId: claims.sub, sessionId: claims.sid };
  }
}

// The kid of a compact JWS's header, undefined when absent or unreadable (the signature check then fails).
function headerKid(token: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.split('.', 1)[0], 'base64url').toString('utf8')) as unknown;
    const kid = (header as { kid?: unknown } | null)?.kid;
    // A kid that is not a string names no key ('' never is one).
    return kid === undefined ? undefined : typeof kid === 'string' ? kid : '';
  } catch {
    return undefined;
  }
}
