import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AuthConfig } from '../config';
import { SessionsRepository } from '../sessions/sessions.repository';
import { StreamTicketsRepository } from '../stream-tickets/stream-tickets.repository';
import { AttemptsRepository } from '../throttle/attempts.repository';

// Rows deleted per statement: a backlog goes in several short statements, never one long lock.
const BATCH = 5000;
// Statements per table per run, so that one run ends; the next run takes the rest.
const MAX_BATCHES = 20;

export interface PruneCounts {
  sessions: number;
  refreshTokens: number;
  attempts: number;
  streamTickets: number;
}

// Deletes what only grows otherwise: dead sessions (with their tokens), dead refresh tokens, expired windows and
// expired stream tickets.
@Injectable()
export class HousekeepingService {
  private readonly logger = new Logger(HousekeepingService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AuthConfig,
    private readonly sessions: SessionsRepository,
    private readonly attempts: AttemptsRepository,
    private readonly streamTickets: StreamTicketsRepository,
  ) {}

  async prune(now = new Date(Date.now())): Promise<PruneCounts> {
    const accessTtlAgo = new Date(now.getTime() - this.config.ACCESS_TOKEN_TTL_SECONDS * 1000);
    const usedBefore = new Date(now.getTime() - this.config.USED_REFRESH_TOKEN_RETENTION_SECONDS * 1000);
    const counts = {
      sessions: await drain((n) => this.sessions.deleteDeadSessions(accessTtlAgo, n)),
      refreshTokens: await drain((n) => this.sessions.deleteDeadRefreshTokens(now, usedBefore, n)),
      attempts: await drain((n) => this.attempts.deleteExpired(now, n)),
      streamTickets: await drain((n) => this.streamTickets.deleteExpired(now, n)),
    };
    if (Object.values(counts).some((n) => n > 0)) this.logger.log(counts, 'pruned');
    return counts;
  }
}

async function drain(deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < MAX_BATCHES; i += 1) {
    const deleted = await deleteBatch(BATCH);
    total += deleted;
    if (deleted < BATCH) break;
  }
  return total;
}
