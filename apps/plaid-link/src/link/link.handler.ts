import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ExchangeRequest,
  type ExchangeResultDto,
  type LinkTokenDto,
  LinkTokenRequest,
  MessagePattern as P,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { LinkService } from './link.service';

@Controller()
export class LinkHandler {
  constructor(private readonly link: LinkService) {}

  @RpcHandler(P.LinkTokenCreate)
  createLinkToken(@Payload() dto: LinkTokenRequest): Promise<LinkTokenDto> {
    return this.link.createLinkToken(dto.userId, dto.itemId, dto.accountSelection ?? false);
  }

  @RpcHandler(P.LinkExchange)
  exchange(@Payload() dto: ExchangeRequest): Promise<ExchangeResultDto> {
    return this.link.exchange(dto.userId, dto.publicToken);
  }
}
