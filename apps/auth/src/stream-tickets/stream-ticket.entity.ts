import { Column, Entity, PrimaryColumn } from 'typeorm';

// A single-use ticket for the event stream. Only the SHA-256 (hex) of the ticket is stored.
@Entity({ name: 'stream_tickets' })
export class StreamTicket {
  @PrimaryColumn({ name: 'ticket_hash', type: 'text' })
  ticketHash: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
