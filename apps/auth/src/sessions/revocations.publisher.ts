import { Inject, Injectable } from '@nestjs/common';
import { BroadcastEvent, type SessionRevocation, topology } from '@app/contracts';
import { enqueueBroadcast, enqueueBroadcasts } from '@app/messaging';
import { type EntityManager } from 'typeorm';
import { AUTH_CONFIG, AuthConfig } from '../config';

// Tells every gateway instance that a session is dead, so its access tokens are refused at once. Through the
// outbox: written in the transaction that revokes the session, broadcast by the relay once it commits, and kept
// and retried while the broker refuses it (a lost broadcast would leave other gateways accepting the tokens).
@Injectable()
export class RevocationsPublisher {
  private readonly exchange: string;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    this.exchange = topology(config.QUEUE_PREFIX).revocationsExchange;
  }

  publish(em: EntityManager, revocation: SessionRevocation): Promise<void> {
    return enqueueBroadcast(em, this.exchange, BroadcastEvent.SessionRevoked, revocation);
  }

  publishMany(em: EntityManager, revocations: readonly SessionRevocation[]): Promise<void> {
    return enqueueBroadcasts(em, this.exchange, BroadcastEvent.SessionRevoked, revocations);
  }
}
