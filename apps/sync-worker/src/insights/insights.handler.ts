import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MessagePattern as P, type SpendingDto, SpendingRequest } from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { InsightsService } from './insights.service';

@Controller()
export class InsightsHandler {
  constructor(private readonly insights: InsightsService) {}

  @RpcHandler(P.InsightsSpending)
  spending(@Payload() dto: SpendingRequest): Promise<SpendingDto> {
    return this.insights.spending(dto);
  }
}
