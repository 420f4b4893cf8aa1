import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { FeedSinceRequest, type FeedSinceResponse, MessagePattern as P } from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { FeedService } from './feed.service';

@Controller()
export class FeedHandler {
  constructor(private readonly feed: FeedService) {}

  @RpcHandler(P.FeedSince)
  since(@Payload() dto: FeedSinceRequest): Promise<FeedSinceResponse> {
    return this.feed.since(dto);
  }
}
