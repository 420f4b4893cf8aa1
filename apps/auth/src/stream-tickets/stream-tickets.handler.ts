import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  MessagePattern as P,
  type StreamTicketIssued,
  StreamTicketIssueRequest,
  type StreamTicketRedeemed,
  StreamTicketRedeemRequest,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { StreamTicketsService } from './stream-tickets.service';

@Controller()
export class StreamTicketsHandler {
  constructor(private readonly tickets: StreamTicketsService) {}

  @RpcHandler(P.AuthStreamTicketIssue)
  issue(@Payload() dto: StreamTicketIssueRequest): Promise<StreamTicketIssued> {
    return this.tickets.issue(dto);
  }

  @RpcHandler(P.AuthStreamTicketRedeem)
  redeem(@Payload() dto: StreamTicketRedeemRequest): Promise<StreamTicketRedeemed> {
    return this.tickets.redeem(dto.ticketHash);
  }
}
