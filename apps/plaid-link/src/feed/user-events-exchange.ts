import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { topology } from '@app/contracts';
import { AmqpConnection } from '@app/messaging';
import { APP_CONFIG, LinkConfig } from '../config';

// Declares the user-events fanout exchange at start, so that gateways can bind to it before the first event and
// the relay's first broadcast meets an exchange that exists. A broker that refuses (permissions) fails the start.
// Provided by the app module only: service specs run without a broker.
@Injectable()
export class UserEventsExchange implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: LinkConfig,
    private readonly amqp: AmqpConnection,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const exchange = topology(this.config.QUEUE_PREFIX).userEventsExchange;
    await this.amqp.declare((ch) => ch.assertExchange(exchange, 'fanout', { durable: true }));
  }
}
