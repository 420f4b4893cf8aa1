import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { MessagePattern as P, type RecurringListDto, RecurringListRequest } from '@app/contracts';
import { RecurringService } from './recurring.service';

@Controller()
export class RecurringHandler {
  constructor(private readonly recurring: RecurringService) {}

  @MessagePattern(P.RecurringList)
  list(@Payload() dto: RecurringListRequest): Promise<RecurringListDto> {
    return this.recurring.list(dto);
  }
}
