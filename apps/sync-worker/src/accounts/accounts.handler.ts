import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type AccountListDto, AccountsListRequest, MessagePattern as P } from '@app/contracts';
import { AccountsService } from './accounts.service';

@Controller()
export class AccountsHandler {
  constructor(private readonly accounts: AccountsService) {}

  @MessagePattern(P.AccountsList)
  list(@Payload() dto: AccountsListRequest): Promise<AccountListDto> {
    return this.accounts.list(dto.userId, dto.itemId);
  }
}
