import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type AccountListDto, AccountsListRequest, MessagePattern as P } from '@app/contracts';
import { AccountsRepository } from './accounts.repository';

@Controller()
export class AccountsHandler {
  constructor(private readonly accounts: AccountsRepository) {}

  @MessagePattern(P.AccountsList)
  async list(@Payload() dto: AccountsListRequest): Promise<AccountListDto> {
    return { data: await this.accounts.listForUser(dto.userId, dto.itemId) };
  }
}
