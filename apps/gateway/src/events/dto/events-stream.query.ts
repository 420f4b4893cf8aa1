import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

// 32 random bytes, base64url without padding.
export const TICKET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export class EventsStreamQuery {
  @ApiPropertyOptional({
    description: 'A ticket from POST /v1/events/ticket (single use), instead of a bearer',
  })
  @IsOptional()
  @Matches(TICKET_PATTERN, { message: 'ticket must be a ticket from POST /v1/events/ticket' })
  ticket?: string;

  @ApiPropertyOptional({
    description: 'For clients that cannot set the Last-Event-ID header; the header wins when both are sent',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  lastEventId?: string;
}
