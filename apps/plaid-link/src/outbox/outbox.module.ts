import { Module } from '@nestjs/common';
import { OutboxRelay, outboxRelayProvider } from '@app/messaging';
import { CONFIG } from '../config';

// One relay per process for link.outbox; features that enqueue events import this to kick it after a commit.
@Module({
  providers: [outboxRelayProvider(CONFIG)],
  exports: [OutboxRelay],
})
export class OutboxModule {}
