import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { RpcModule } from '../rpc/rpc.module';
import { EventStreamsService } from './event-streams.service';
import { EventsController } from './events.controller';
import { StreamAuthGuard } from './stream-auth.guard';
import { StreamTicketsService } from './stream-tickets.service';

// The user's change feed over Server-Sent Events: tickets (through auth), the streams open on this instance, and
// the subscription to plaid-link's user-events broadcasts that feeds them.
@Module({
  imports: [AuthModule, RpcModule],
  controllers: [EventsController],
  providers: [EventStreamsService, StreamTicketsService, StreamAuthGuard],
  exports: [EventStreamsService],
})
export class EventsModule {}
