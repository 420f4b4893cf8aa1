import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { FeedSinceRequest, type FeedSinceResponse, MessagePattern as P } from '@app/contracts';
import { FeedService } from './feed.service';

@Controller()
export class FeedHandler {
  constructor(private readonly feed: FeedService) {}

  @MessagePattern(P.FeedSince)
  since(@Payload() dto: FeedSinceRequest): Promise<FeedSinceResponse> {
    return this.feed.since(dto);
  }
}
