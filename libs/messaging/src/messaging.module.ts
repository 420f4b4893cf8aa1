import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AmqpConnection } from './amqp-connection';
import { EventPublisher } from './event-publisher';

export interface MessagingModuleOptions {
  url: string;
}

// Provides the process's one broker connection (and the event publisher on it) to every module. Global: the
// app root imports it once; a test overrides AmqpConnection with a fake (`.overrideProvider(AmqpConnection)`).
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: AmqpConnection, useFactory: () => new AmqpConnection(options.url) },
        EventPublisher,
      ],
      exports: [AmqpConnection, EventPublisher],
    };
  }
}
