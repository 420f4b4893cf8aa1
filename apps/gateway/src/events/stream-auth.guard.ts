import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/contracts';
import { type FastifyRequest } from 'fastify';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { TICKET_PATTERN } from './dto/events-stream.query';
import { StreamTicketsService } from './stream-tickets.service';

// GET /v1/events takes a ticket (?ticket=, for EventSource) or a bearer token, checked before the stream opens so
// that a refusal is a JSON error. The ticket is never echoed back: the 400 names the parameter only.
@Injectable()
export class StreamAuthGuard implements CanActivate {
  private readonly bearer = new JwtAuthGuard();

  constructor(private readonly tickets: StreamTicketsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedUser }>();
    const { ticket } = request.query as { ticket?: unknown };
    if (ticket === undefined) return (await this.bearer.canActivate(context)) as boolean;
    if (typeof ticket !== 'string' || !TICKET_PATTERN.test(ticket)) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed', [
        { field: 'ticket', messages: ['ticket must be a ticket from POST /v1/events/ticket'] },
      ]);
    }
    request.user = await this.tickets.redeem(ticket);
    return true;
  }
}
