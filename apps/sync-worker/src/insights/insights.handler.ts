import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { MessagePattern as P, type SpendingDto, SpendingRequest } from '@app/contracts';
import { InsightsService } from './insights.service';

@Controller()
export class InsightsHandler {
  constructor(private readonly insights: InsightsService) {}

  @MessagePattern(P.InsightsSpending)
  spending(@Payload() dto: SpendingRequest): Promise<SpendingDto> {
    return this.insights.spending(dto);
  }
}
