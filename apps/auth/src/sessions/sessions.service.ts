import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  BroadcastEvent,
  DomainError,
  ErrorCode,
  type RevocationsListResponse,
  type SessionListDto,
} from '@app/contracts';
import { type Transaction, UnitOfWork } from '@app/messaging';
import { APP_CONFIG, AuthConfig } from '../config';
import { RequestThrottle } from '../throttle/request-throttle.service';
import { TokensService } from '../tokens/tokens.service';
import { type SessionClient, SessionsRepository } from './sessions.repository';

export interface StartedSession {
  sessionId: string;
  refreshToken: string;
}

export interface RotatedSession extends StartedSession {
  userId: string;
}

// Sessions and their rotating refresh tokens: start, rotate (with reuse detection), revoke and broadcast.
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AuthConfig,
    private readonly throttle: RequestThrottle,
    private readonly sessions: SessionsRepository,
    private readonly tokens: TokensService,
    private readonly uow: UnitOfWork,
  ) {}

  async start(userId: string, client: SessionClient = {}): Promise<StartedSession> {
    const refresh = this.tokens.issueRefreshToken();
    const expiresAt = new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000);
    const sessionId = await this.sessions.createWithToken(userId, expiresAt, refresh, client);
    return { sessionId, refreshToken: refresh.token };
  }

  // Trades a refresh token for its successor. Every failure looks the same to the caller.
  async rotate(refreshToken: string, client: SessionClient = {}): Promise<RotatedSession> {
    const invalid = new DomainError(ErrorCode.InvalidRefreshToken, 'The refresh token is invalid or expired');
    const parsed = this.tokens.parseRefreshToken(refreshToken);
    if (!parsed) throw invalid;
    const row = await this.sessions.findRefreshToken(parsed.id);
    if (!row || !this.tokens.secretMatches(parsed.secret, row.tokenHash)) throw invalid;
    const now = Date.now();
    if (row.sessionRevokedAt || row.sessionExpiresAt.getTime() <= now || row.expiresAt.getTime() <= now) {
      throw invalid;
    }
    // Counted per session once the token is proven, so a stranger cannot spend someone else's budget.
    await this.throttle.refresh(row.sessionId);
    const next = this.tokens.issueRefreshToken();
    if (!(await this.sessions.rotate(row.id, row.sessionId, next, client))) {
      // A token that was already rotated came back: it was stolen or replayed. Kill the whole family.
      await this.revoke(row.sessionId, 'refresh_token_reuse');
      this.logger.warn(
        { userId: row.userId, sessionId: row.sessionId },
        'refresh token reuse; session revoked',
      );
      throw invalid;
    }
    return { userId: row.userId, sessionId: row.sessionId, refreshToken: next.token };
  }

  async logout(userId: string, sessionId: string): Promise<{ revoked: true }> {
    await this.revoke(sessionId, 'logout', userId);
    this.logger.log({ userId, sessionId }, 'user logged out');
    return { revoked: true };
  }

  async list(userId: string, currentSessionId: string): Promise<SessionListDto> {
    const rows = await this.sessions.listActive(userId);
    return {
      data: rows.map((r) => ({
        id: r.id,
        createdAt: new Date(r.createdAt).toISOString(),
        lastUsedAt: new Date(r.lastUsedAt).toISOString(),
        userAgent: r.userAgent,
        ip: r.ip,
        current: r.id === currentSessionId,
      })),
    };
  }

  // One session of the user's, revoked like a logout; another user's (or a dead) session is not found.
  async revokeOne(userId: string, sessionId: string): Promise<{ revoked: true }> {
    if (!(await this.revoke(sessionId, 'revoked_by_user', userId)))
      throw new DomainError(ErrorCode.NotFound, 'Session not found');
    this.logger.log({ userId, sessionId }, 'session revoked by its user');
    return { revoked: true };
  }

  // Every live session of the user but `exceptSessionId`, revoked and broadcast in the caller's unit of work.
  // Answers the revoked ids.
  async revokeAllInTransaction(
    tx: Transaction,
    userId: string,
    reason: string,
    exceptSessionId: string | null,
  ): Promise<string[]> {
    const ids = await this.sessions.revokeAllOfUser(tx.manager, userId, reason, exceptSessionId);
    const until = Math.floor(Date.now() / 1000) + this.tokens.accessTtlSeconds;
    await tx.broadcastMany(
      BroadcastEvent.SessionRevoked,
      ids.map((sessionId) => ({ sessionId, until })),
    );
    return ids;
  }

  async activeRevocations(): Promise<RevocationsListResponse> {
    return { revocations: await this.sessions.revokedSince(this.tokens.accessTtlSeconds) };
  }

  // Only a session this call revoked is broadcast (a repeated logout stays quiet), from the outbox, in the same
  // transaction as revoked_at: no revocation is stored without its broadcast, or broadcast without being stored.
  // Through the outbox because a lost broadcast would leave other gateways accepting the session's tokens.
  private async revoke(sessionId: string, reason: string, userId?: string): Promise<boolean> {
    const until = Math.floor(Date.now() / 1000) + this.tokens.accessTtlSeconds;
    return this.uow.run(async (tx) => {
      if (!(await this.sessions.revoke(tx.manager, sessionId, reason, userId))) return false;
      await tx.broadcast(BroadcastEvent.SessionRevoked, { sessionId, until });
      return true;
    });
  }
}
