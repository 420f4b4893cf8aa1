import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MessagePattern as P, type StreamTicketDto } from '@app/contracts';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { Rpc } from '../rpc/rpc';

const hashOf = (ticket: string): string => createHash('sha256').update(ticket).digest('hex');

// Tickets for GET /v1/events?ticket= (an EventSource cannot send an Authorization header, and an access token
// never travels in a URL). The gateway draws the ticket; auth stores and checks only its SHA-256, so the ticket
// itself never crosses the broker.
@Injectable()
export class StreamTicketsService {
  constructor(private readonly rpc: Rpc) {}

  async issue(user: AuthenticatedUser): Promise<StreamTicketDto> {
    const ticket = randomBytes(32).toString('base64url');
    const { expiresIn } = await this.rpc.send(P.AuthStreamTicketIssue, {
      userId: user.userId,
      sessionId: user.sessionId,
      ticketHash: hashOf(ticket),
    });
    return { ticket, expiresIn };
  }

  // Once: a used, expired or unknown ticket, or one of a session that has ended, is UNAUTHORIZED.
  async redeem(ticket: string): Promise<AuthenticatedUser> {
    const { userId, sessionId } = await this.rpc.send(P.AuthStreamTicketRedeem, {
      ticketHash: hashOf(ticket),
    });
    return { userId, sessionId };
  }
}
