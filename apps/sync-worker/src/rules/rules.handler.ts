import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  MessagePattern as P,
  RuleCreateRequest,
  type RuleDto,
  type RuleListDto,
  RuleRef,
  RuleUpdateRequest,
  RulesListRequest,
} from '@app/contracts';
import { RulesService } from './rules.service';

@Controller()
export class RulesHandler {
  constructor(private readonly rules: RulesService) {}

  @MessagePattern(P.RulesList)
  list(@Payload() dto: RulesListRequest): Promise<RuleListDto> {
    return this.rules.list(dto);
  }

  @MessagePattern(P.RulesCreate)
  create(@Payload() dto: RuleCreateRequest): Promise<RuleDto> {
    return this.rules.create(dto);
  }

  @MessagePattern(P.RulesUpdate)
  update(@Payload() dto: RuleUpdateRequest): Promise<RuleDto> {
    return this.rules.update(dto);
  }

  @MessagePattern(P.RulesDelete)
  delete(@Payload() dto: RuleRef): Promise<{ deleted: true }> {
    return this.rules.delete(dto);
  }
}
