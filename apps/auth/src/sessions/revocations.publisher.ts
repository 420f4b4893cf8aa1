import { Inject, Injectable, Logger } from '@nestjs/common';
import { BroadcastEvent, type SessionRevocation, topology } from '@app/contracts';
import { AmqpConnection, FanoutPublisher } from '@app/messaging';
import { AUTH_CONFIG, AuthConfig } from '../config';

// Tells every gateway instance that a session is dead, so its access tokens are refused at once.
@Injectable()
export class RevocationsPublisher {
  private readonly logger = new Logger(RevocationsPublisher.name);
  private readonly publisher: FanoutPublisher;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig, amqp: AmqpConnection) {
    this.publisher = new FanoutPublisher(amqp, topology(config.QUEUE_PREFIX).revocationsExchange);
  }

  async publish(revocation: SessionRevocation): Promise<void> {
    try {
      await this.publisher.publish(BroadcastEvent.SessionRevoked, revocation);
    } catch (err) {
      // The session is revoked in the database already: refresh fails, and gateways that start or reconnect
      // re-read revocations. Only the broadcast's immediacy is lost.
      this.logger.error(
        { err: (err as Error).message, sessionId: revocation.sessionId },
        'revocation broadcast failed',
      );
    }
  }
}
