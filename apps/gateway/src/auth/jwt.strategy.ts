import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { DEFAULT_JWT_KID, parseJwtKeys } from '@app/common';
import { type AccessTokenClaims, DomainError, ErrorCode } from '@app/contracts';
import { ExtractJwt, Strategy, type StrategyOptions } from 'passport-jwt';
import { APP_CONFIG, GatewayConfig } from '../config';
import { RevocationsService } from './revocations.service';

export interface AuthenticatedUser {
  userId: string;
  sessionId: string;
}

export const JWT_ISSUER = 'plaid-backend/auth';
export const JWT_AUDIENCE = 'plaid-backend';
// How far in the future a token's `iat` may lie (clocks of auth and gateway drift a little).
export const JWT_CLOCK_SKEW_SECONDS = 30;

type Claims = Partial<AccessTokenClaims> & { exp?: unknown; iat?: unknown };

// How every access token is verified (the signature, issuer, audience, algorithm and expiry).
function jwtOptions(config: GatewayConfig): StrategyOptions & { passReqToCallback?: false } {
  // KeyObjects: given a string, jsonwebtoken first tries (and fails) to parse it as a public key on every
  // request (~0.5 ms of CPU each, measured in bench/).
  const keys = new Map<string, KeyObject>(
    parseJwtKeys(config).map((k) => [k.kid, createSecretKey(Buffer.from(k.secret))]),
  );
  return {
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    // The header's kid picks the key (a token without one: the "default" key, i.e. JWT_SECRET); a kid not in
    // the list fails (401), so a key removed from JWT_KEYS stops verifying at once.
    // passport-jwt passes the key to jsonwebtoken untouched; its types only name string and Buffer.
    secretOrKeyProvider: (_req: unknown, rawJwtToken: string, done: (err: unknown, key?: Buffer) => void) => {
      const key = keys.get(headerKid(rawJwtToken) ?? DEFAULT_JWT_KID);
      if (key) done(null, key as unknown as Buffer);
      else done(new Error('unknown signing key'));
    },
    algorithms: ['HS256'],
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    ignoreExpiration: false,
    passReqToCallback: false,
  };
}

// jsonwebtoken checks `exp` only when present: a signed token without one (or without `iat`, or issued in the
// future) would never expire, so it is refused here.
function claimsUser(claims: Claims): AuthenticatedUser | false {
  if (claims.typ !== 'access' || typeof claims.sub !== 'string' || typeof claims.sid !== 'string')
    return false;
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return false;
  if (claims.iat > Date.now() / 1000 + JWT_CLOCK_SKEW_SECONDS) return false;
  return { userId: claims.sub, sessionId: claims.sid };
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(APP_CONFIG) config: GatewayConfig,
    private readonly revocations: RevocationsService,
  ) {
    super(jwtOptions(config));
  }

  // Returning false makes passport answer 401.
  validate(claims: Claims): AuthenticatedUser | false {
    const user = claimsUser(claims);
    if (!user) return false;
    // Before the revocation list is read, a revoked token looks good: refuse every token for now (503).
    if (!this.revocations.isLoaded())
      throw new DomainError(ErrorCode.ServiceUnavailable, 'Sign-in checks are starting; try again shortly');
    if (this.revocations.isRevoked(user.sessionId)) return false;
    return user;
  }
}

// For GET /v1/auth/me/deletion only: an account deletion revokes every session at once, yet the access token
// that asked for it may still read how the deletion goes until it expires. Everything but revocation is checked;
// the route answers nothing but the deletion's progress.
export const DELETION_STATUS_STRATEGY = 'jwt-deletion-status';

@Injectable()
export class DeletionStatusJwtStrategy extends PassportStrategy(Strategy, DELETION_STATUS_STRATEGY) {
  constructor(@Inject(APP_CONFIG) config: GatewayConfig) {
    super(jwtOptions(config));
  }

  validate(claims: Claims): AuthenticatedUser | false {
    return claimsUser(claims);
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
