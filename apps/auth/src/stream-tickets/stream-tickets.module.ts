import { Module } from '@nestjs/common';
import { StreamTicketsHandler } from './stream-tickets.handler';
import { StreamTicketsRepository } from './stream-tickets.repository';
import { StreamTicketsService } from './stream-tickets.service';

// Single-use tickets for the gateway's event stream, bound to a user and a live session.
@Module({
  controllers: [StreamTicketsHandler],
  providers: [StreamTicketsService, StreamTicketsRepository],
  exports: [StreamTicketsRepository],
})
export class StreamTicketsModule {}
