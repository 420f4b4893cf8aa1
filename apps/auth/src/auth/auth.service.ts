import { Injectable, Logger } from '@nestjs/common';
import { SEAL_PURPOSE, Sealer } from '@app/common';
import { UnitOfWork } from '@app/messaging';
import {
  DomainError,
  ErrorCode,
  type SealedLoginRequest,
  type SealedPasswordChangeRequest,
  type SealedRefreshRequest,
  type SealedSignupRequest,
  type SealedTokenPair,
  type UserDto,
} from '@app/contracts';
import { SessionsService } from '../sessions/sessions.service';
import { LoginThrottle, UNKNOWN_ADDRESS } from '../throttle/login-throttle.service';
import { RequestThrottle } from '../throttle/request-throttle.service';
import { TokensService } from '../tokens/tokens.service';
import { type User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { PasswordsService } from './passwords.service';

// Signup, login and refresh: opens what the gateway sealed, checks, and answers with a sealed token pair.
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly passwords: PasswordsService,
    private readonly tokens: TokensService,
    private readonly loginThrottle: LoginThrottle,
    private readonly requestThrottle: RequestThrottle,
    private readonly sealer: Sealer,
    private readonly usersRepo: UsersRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async signup(dto: SealedSignupRequest): Promise<UserDto> {
    const password = this.unseal(dto.sealedPassword, SEAL_PURPOSE.password, 'password');
    if (password.length < 8 || password.length > 128) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed', {
        details: [{ field: 'password', messages: ['password must be 8 to 128 characters'] }],
      });
    }
    // A gateway of the previous release sends no address: its signups share one bucket until it is replaced.
    const clientIp = dto.clientIp ?? UNKNOWN_ADDRESS;
    await this.requestThrottle.signup(clientIp);
    const user = await this.users.create(dto.email, await this.passwords.hash(password));
    await this.loginThrottle.rememberAddress(dto.email, clientIp);
    this.logger.log({ userId: user.id }, 'user signed up');
    return user;
  }

  // The throttle comes first: past it, no password is hashed. An unknown email costs a dummy verify.
  async login(dto: SealedLoginRequest): Promise<SealedTokenPair> {
    const password = this.unseal(dto.sealedPassword, SEAL_PURPOSE.password, 'password');
    const admission = await this.loginThrottle.admit(dto.email, dto.clientIp);
    const user = await this.users.findByEmail(dto.email);
    const ok = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !ok) {
      await this.loginThrottle.failed(dto.email);
      throw new DomainError(ErrorCode.InvalidCredentials, 'Invalid email or password');
    }
    await this.loginThrottle.succeeded(admission);
    await this.loginThrottle.rememberAddress(dto.email, dto.clientIp);
    const session = await this.sessions.start(user.id, { ip: dto.clientIp, userAgent: dto.userAgent });
    this.logger.log({ userId: user.id, sessionId: session.sessionId }, 'user logged in');
    return this.tokenPair(user.id, session.sessionId, session.refreshToken);
  }

  async refresh(dto: SealedRefreshRequest): Promise<SealedTokenPair> {
    const refreshToken = this.unseal(dto.sealedRefreshToken, SEAL_PURPOSE.refreshToken, 'refreshToken');
    const rotated = await this.sessions.rotate(refreshToken, {
      ip: dto.clientIp,
      userAgent: dto.userAgent,
    });
    return this.tokenPair(rotated.userId, rotated.sessionId, rotated.refreshToken);
  }

  // The new password under the signup rules; every other session of the user ends (their tokens refused by every
  // gateway), the asking one stays.
  async changePassword(dto: SealedPasswordChangeRequest): Promise<{ changed: true }> {
    const newPassword = this.unseal(dto.sealedNewPassword, SEAL_PURPOSE.password, 'newPassword');
    if (newPassword.length < 8 || newPassword.length > 128) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed', {
        details: [{ field: 'newPassword', messages: ['newPassword must be 8 to 128 characters'] }],
      });
    }
    const user = await this.checkOwnPassword(dto.userId, dto.sealedCurrentPassword, dto.clientIp);
    const hash = await this.passwords.hash(newPassword);
    const revoked = await this.uow.run(async (tx) => {
      await this.usersRepo.setPasswordHash(tx.manager, user.id, hash);
      return this.sessions.revokeAllInTransaction(tx, user.id, 'password_changed', dto.sessionId);
    });
    this.logger.log({ userId: user.id, revokedSessions: revoked.length }, 'password changed');
    return { changed: true };
  }

  // A signed-in user proving their password again (password change, account deletion): the login throttle
  // counts these guesses like logins, so a stolen access token cannot be used to brute-force the password.
  async checkOwnPassword(userId: string, sealedPassword: string, clientIp: string): Promise<User> {
    const password = this.unseal(sealedPassword, SEAL_PURPOSE.password, 'password');
    const user = await this.users.findById(userId);
    if (!user) throw new DomainError(ErrorCode.Unauthorized, 'Not signed in');
    const admission = await this.loginThrottle.admit(user.email, clientIp);
    if (!(await this.passwords.verify(user.passwordHash, password))) {
      await this.loginThrottle.failed(user.email);
      throw new DomainError(ErrorCode.InvalidCredentials, 'The password is wrong');
    }
    await this.loginThrottle.succeeded(admission);
    return user;
  }

  // Secrets arrive sealed by the gateway; what does not open is refused like a bad payload.
  private unseal(sealed: string, purpose: string, field: string): string {
    const value = this.sealer.open(sealed, purpose);
    if (value === null) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Sealed field could not be opened', {
        details: [{ field, messages: ['not sealed by the gateway'] }],
      });
    }
    return value;
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
