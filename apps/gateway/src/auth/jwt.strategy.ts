import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
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
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it as a public key on
      // every request (~0.5 ms of CPU each, measured in bench/).
      // passport-jwt passes it to jsonwebtoken untouched; its types only name string and Buffer.
      secretOrKey: createSecretKey(Buffer.from(config.JWT_SECRET)) as unknown as Buffer,
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
