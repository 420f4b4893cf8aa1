import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  type StreamTicketIssued,
  type StreamTicketIssueRequest,
  type StreamTicketRedeemed,
} from '@app/contracts';
import { APP_CONFIG, AuthConfig } from '../config';
import { StreamTicketsRepository } from './stream-tickets.repository';

// Single-use, short-lived tickets that let an EventSource (which cannot send an Authorization header) open the
// user's event stream. The gateway draws the ticket; auth sees and stores only its SHA-256.
@Injectable()
export class StreamTicketsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AuthConfig,
    private readonly tickets: StreamTicketsRepository,
  ) {}

  async issue(request: StreamTicketIssueRequest): Promise<StreamTicketIssued> {
    const ttlSeconds = this.config.STREAM_TICKET_TTL_SECONDS;
    const outcome = await this.tickets.issue(
      { ...request, ttlSeconds },
      this.config.STREAM_TICKETS_PER_SESSION,
    );
    switch (outcome) {
      case 'issued':
        return { expiresIn: ttlSeconds };
      case 'session-ended':
        throw new DomainError(ErrorCode.Unauthorized, 'Authentication required');
      case 'cap-reached':
        // The oldest outstanding ticket has run out by then at the latest.
        throw new DomainError(ErrorCode.RateLimited, 'Too many outstanding stream tickets; try again later', {
          retryAfterSeconds: ttlSeconds,
        });
      default: {
        const unknown: never = outcome;
        throw new Error(`unknown outcome ${String(unknown)}`);
      }
    }
  }

  // Every refusal looks the same: unknown, used, expired, or of a session that has ended since.
  async redeem(ticketHash: string): Promise<StreamTicketRedeemed> {
    const owner = await this.tickets.redeem(ticketHash);
    if (!owner) throw new DomainError(ErrorCode.Unauthorized, 'Authentication required');
    return owner;
  }
}
