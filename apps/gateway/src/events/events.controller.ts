import { Controller, Get, Header, Headers, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { StreamTicketDto } from '@app/contracts';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { ApiErrors } from '../http/api-docs';
import { EventsStreamQuery } from './dto/events-stream.query';
import { EventStreamsService } from './event-streams.service';
import { HttpEventSink } from './http-event-sink';
import { StreamAuthGuard } from './stream-auth.guard';
import { StreamTicketsService } from './stream-tickets.service';

const STREAM_DESCRIPTION = `Server-Sent Events: the user's change feed, live. Authenticate with \`?ticket=\` (from
POST /v1/events/ticket; what an EventSource can do) or with \`Authorization: Bearer\`. Refusals (400, 401, 429, 503)
are JSON errors sent before the stream opens.

The stream starts with \`retry: 3000\`. Each event has \`id: <n>\` (increasing per user), \`event: <name>\` and one
line of JSON \`data\`:
- \`item.updated\` {item: Item}
- \`item.removed\` {itemId}
- \`accounts.changed\` {itemId}
- \`transactions.changed\` {itemId, added, modified, removed, cursor}: fetch the changes with
  GET /v1/transactions/changes from your cursor
- \`resync-required\` {} with \`id: <head>\`: events were missed beyond what the server keeps (or Last-Event-ID was
  not one of ours); reload your state, then follow the stream
- \`session.revoked\` {} without an id: the session was logged out or revoked; the server then closes the stream

A comment (\`: keep-alive\`) is sent every 15 s. On reconnect send \`Last-Event-ID\` (the browser does) or
\`?lastEventId=\`: every missed event follows, in order. Without it the stream starts with new events only.`;

@ApiTags('events')
@ApiErrors({ 401: 'UNAUTHORIZED' })
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly tickets: StreamTicketsService,
    private readonly streams: EventStreamsService,
  ) {}

  @Post('ticket')
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'A single-use ticket for GET /v1/events?ticket=, valid 30 s, bound to this session',
  })
  @ApiResponse({ status: 201, type: StreamTicketDto })
  @ApiErrors({ 429: 'RATE_LIMITED: too many unused tickets' })
  ticket(@CurrentUser() user: AuthenticatedUser): Promise<StreamTicketDto> {
    return this.tickets.issue(user);
  }

  @Get()
  @UseGuards(StreamAuthGuard)
  @ApiBearerAuth()
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The id of the last event received: the stream resumes after it',
  })
  @ApiOperation({ summary: "The user's change feed (Server-Sent Events)", description: STREAM_DESCRIPTION })
  @ApiResponse({
    status: 200,
    description: 'text/event-stream',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiErrors({ 400: 'VALIDATION_FAILED: a malformed ticket', 429: 'RATE_LIMITED: too many open streams' })
  stream(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: EventsStreamQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.streams.open(user, lastEventId ?? query.lastEventId, new HttpEventSink(request, reply));
  }
}
