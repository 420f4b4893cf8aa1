import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ExchangeRequest,
  type ExchangeResultDto,
  type LinkTokenDto,
  LinkTokenRequest,
  MessagePattern as P,
} from '@app/contracts';
import { LinkService } from './link.service';

@Controller()
export class LinkHandler {
  constructor(private readonly link: LinkService) {}

  @MessagePattern(P.LinkTokenCreate)
  createLinkToken(@Payload() dto: LinkTokenRequest): Promise<LinkTokenDto> {
    return this.link.createLinkToken(dto.userId, dto.itemId, dto.accountSelection ?? false);
  }

  @MessagePattern(P.LinkExchange)
  exchange(@Payload() dto: ExchangeRequest): Promise<ExchangeResultDto> {
    return this.link.exchange(dto.userId, dto.publicToken);
  }
}
