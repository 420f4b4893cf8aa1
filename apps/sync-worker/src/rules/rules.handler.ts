import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  MessagePattern as P,
  RuleCreateRequest,
  type RuleDto,
  type RuleListDto,
  RuleRef,
  RuleUpdateRequest,
  RulesListRequest,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { RulesService } from './rules.service';

@Controller()
export class RulesHandler {
  constructor(private readonly rules: RulesService) {}

  @RpcHandler(P.RulesList)
  list(@Payload() dto: RulesListRequest): Promise<RuleListDto> {
    return this.rules.list(dto);
  }

  @RpcHandler(P.RulesCreate)
  create(@Payload() dto: RuleCreateRequest): Promise<RuleDto> {
    return this.rules.create(dto);
  }

  @RpcHandler(P.RulesUpdate)
  update(@Payload() dto: RuleUpdateRequest): Promise<RuleDto> {
    return this.rules.update(dto);
  }

  @RpcHandler(P.RulesDelete)
  delete(@Payload() dto: RuleRef): Promise<{ deleted: true }> {
    return this.rules.delete(dto);
  }
}
