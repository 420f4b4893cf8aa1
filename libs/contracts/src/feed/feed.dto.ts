import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

// What a user's event stream (GET /v1/events) carries. Every stored event has an id, increasing per user.
export const FEED_EVENT_NAMES = [
  'item.updated',
  'item.removed',
  'accounts.changed',
  'transactions.changed',
] as const;
export type FeedEventName = (typeof FEED_EVENT_NAMES)[number];

// Sent on a stream only, never stored: the stream's session ended, or the client's Last-Event-ID is out of reach.
export const STREAM_ONLY_EVENTS = ['session.revoked', 'resync-required'] as const;

// One event of a user's log, as plaid-link stores it and broadcasts it to every gateway.
export class FeedEventDto {
  @IsInt()
  @Min(1)
  id: number;

  @IsIn(FEED_EVENT_NAMES)
  event: FeedEventName;

  // item.updated {item: ItemDto} · item.removed {itemId} · accounts.changed {itemId}
  // transactions.changed {itemId, added, modified, removed, cursor}
  @IsObject()
  data: Record<string, unknown>;
}

// plaid-link → every gateway (BroadcastEvent.UserEvent on the user-events exchange), after the commit that
// stored the event. A gateway validates it (anyone who can publish to the exchange can send one).
export class UserFeedBroadcast extends FeedEventDto {
  @IsUUID()
  userId: string;
}

// gateway → plaid-link: the user's events after `after` (null: none, only the head), for a stream that starts or
// resumes with Last-Event-ID, or that saw a gap in the broadcasts.
export class FeedSinceRequest {
  @IsUUID()
  userId: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  after: number | null;

  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number;
}

export interface FeedSinceResponse {
  // The id of the user's newest event (0: none yet).
  head: number;
  // Events with id > after, oldest first, at most `limit`; empty when resyncRequired.
  events: FeedEventDto[];
  // `after` is below what the log still holds (compacted) or above the head: the client must start over.
  resyncRequired: boolean;
}

// gateway → auth: store a single-use ticket for GET /v1/events?ticket=, bound to the caller's user and session.
// The gateway draws the ticket and sends only its SHA-256: the ticket itself never crosses the broker.
export class StreamTicketIssueRequest {
  @IsUUID()
  userId: string;

  @IsUUID()
  sessionId: string;

  @Matches(/^[0-9a-f]{64}$/)
  ticketHash: string;
}

export interface StreamTicketIssued {
  // Seconds until the ticket is refused.
  expiresIn: number;
}

export class StreamTicketDto {
  @ApiProperty({ description: 'Single use; pass as ?ticket= to GET /v1/events. Never log it.' })
  ticket: string;

  @ApiProperty({ example: 30, description: 'Seconds until the ticket is refused' })
  expiresIn: number;
}

// gateway → auth: redeem once, by hash. Unknown, used or expired tickets, and tickets of a session that has
// ended since, answer UNAUTHORIZED.
export class StreamTicketRedeemRequest {
  @Matches(/^[0-9a-f]{64}$/)
  ticketHash: string;
}

export interface StreamTicketRedeemed {
  userId: string;
  sessionId: string;
}
