import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MessagePattern as P, type RecurringListDto, RecurringListRequest } from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { RecurringService } from './recurring.service';

@Controller()
export class RecurringHandler {
  constructor(private readonly recurring: RecurringService) {}

  @RpcHandler(P.RecurringList)
  list(@Payload() dto: RecurringListRequest): Promise<RecurringListDto> {
    return this.recurring.list(dto);
  }
}
