import { Inject, Injectable, Logger } from '@nestjs/common';
import { SEAL_PURPOSE, Sealer } from '@app/common';
import {
  DomainError,
  ErrorCode,
  type LogoutRequest,
  type RevocationsListResponse,
  type SealedLoginRequest,
  type SealedRefreshRequest,
  type SealedSignupRequest,
  type SealedTokenPair,
  type UserDto,
} from '@app/contracts';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { RevocationsPublisher } from '../sessions/revocations.publisher';
import { SessionsRepository } from '../sessions/sessions.repository';
import { type User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { LoginRateLimiter } from './login-rate-limiter.service';
import { PasswordsService } from './passwords.service';
import { TokensService } from './tokens.service';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly passwords: PasswordsService,
    private readonly tokens: TokensService,
    private readonly rateLimiter: LoginRateLimiter,
    private readonly revocations: RevocationsPublisher,
    private readonly sealer: Sealer,
  ) {}

  // Secrets arrive sealed by the gateway; what does not open is refused like a bad payload.
  private unseal(sealed: string, purpose: string, field: string): string {
    const value = this.sealer.open(sealed, purpose);
    if (value === null) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Sealed field could not be opened', [
        { field, messages: ['not sealed by the gateway'] },
      ]);
    }
    return value;
  }

  async signup(dto: SealedSignupRequest): Promise<UserDto> {
    const password = this.unseal(dto.sealedPassword, SEAL_PURPOSE.password, 'password');
    if (password.length < 8 || password.length > 128) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed', [
        { field: 'password', messages: ['password must be 8 to 128 characters'] },
      ]);
    }
    const hash = await this.passwords.hash(password);
    const user = await this.users.create(dto.email, hash);
    if (!user) throw new DomainError(ErrorCode.EmailTaken, 'An account with this email already exists');
    this.logger.log({ userId: user.id }, 'user signed up');
    return toUserDto(user);
  }

  async login(dto: SealedLoginRequest): Promise<SealedTokenPair> {
    const password = this.unseal(dto.sealedPassword, SEAL_PURPOSE.password, 'password');
    await this.rateLimiter.hit(dto.email, dto.clientIp);
    const user = await this.users.findByEmail(dto.email);
    const ok = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !ok) throw new DomainError(ErrorCode.InvalidCredentials, 'Invalid email or password');
    const refresh = this.tokens.issueRefreshToken();
    const sessionExpiresAt = new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000);
    const sessionId = await this.sessions.createWithToken(user.id, sessionExpiresAt, refresh);
    this.logger.log({ userId: user.id, sessionId }, 'user logged in');
    return this.tokenPair(user.id, sessionId, refresh.token);
  }

  async refresh(dto: SealedRefreshRequest): Promise<SealedTokenPair> {
    const invalid = new DomainError(ErrorCode.InvalidRefreshToken, 'The refresh token is invalid or expired');
    const refreshToken = this.unseal(dto.sealedRefreshToken, SEAL_PURPOSE.refreshToken, 'refreshToken');
    const parsed = this.tokens.parseRefreshToken(refreshToken);
    if (!parsed) throw invalid;
    const row = await this.sessions.findRefreshToken(parsed.id);
    if (!row || !this.tokens.secretMatches(parsed.secret, row.tokenHash)) throw invalid;
    if (
      row.sessionRevokedAt ||
      row.sessionExpiresAt.getTime() <= Date.now() ||
      row.expiresAt.getTime() <= Date.now()
    ) {
      throw invalid;
    }
    const next = this.tokens.issueRefreshToken();
    const rotated = await this.sessions.rotate(row.id, row.sessionId, next);
    if (!rotated) {
      // A token that was already rotated came back: it was stolen or replayed. Kill the whole family.
      await this.revokeSession(row.sessionId, 'refresh_token_reuse');
      this.logger.warn(
        { userId: row.userId, sessionId: row.sessionId },
        'refresh token reuse; session revoked',
      );
      throw invalid;
    }
    return this.tokenPair(row.userId, row.sessionId, next.token);
  }

  async logout(dto: LogoutRequest): Promise<{ revoked: true }> {
    await this.revokeSession(dto.sessionId, 'logout', dto.userId);
    this.logger.log({ userId: dto.userId, sessionId: dto.sessionId }, 'user logged out');
    return { revoked: true };
  }

  async me(userId: string): Promise<UserDto> {
    const user = await this.users.findById(userId);
    if (!user) throw new DomainError(ErrorCode.NotFound, 'User not found');
    return toUserDto(user);
  }

  async activeRevocations(): Promise<RevocationsListResponse> {
    return { revocations: await this.sessions.revokedSince(this.tokens.accessTtlSeconds) };
  }

  private async revokeSession(sessionId: string, reason: string, userId?: string): Promise<void> {
    const revoked = await this.sessions.revoke(sessionId, reason, userId);
    if (!revoked) return;
    const until = Math.floor(Date.now() / 1000) + this.tokens.accessTtlSeconds;
    await this.revocations.publish({ sessionId, until });
  }

  private async tokenPair(userId: string, sessionId: string, refreshToken: string): Promise<SealedTokenPair> {
    const accessToken = await this.tokens.signAccessToken(userId, sessionId);
    return {
      sealedAccessToken: this.sealer.seal(accessToken, SEAL_PURPOSE.accessToken),
      sealedRefreshToken: this.sealer.seal(refreshToken, SEAL_PURPOSE.refreshToken),
      tokenType: 'Bearer',
      expiresIn: this.tokens.accessTtlSeconds,
    };
  }
}

function toUserDto(user: Pick<User, 'id' | 'email' | 'createdAt'>): UserDto {
  return { id: user.id, email: user.email, createdAt: new Date(user.createdAt).toISOString() };
}
