import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AccountBalancesRequest,
  type AccountBalancesDto,
  type AccountDto,
  type AccountListDto,
  AccountUpdateRequest,
  AccountsListRequest,
  MessagePattern as P,
  type NetWorthDto,
  NetWorthRequest,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { AccountsService } from './accounts.service';

@Controller()
export class AccountsHandler {
  constructor(private readonly accounts: AccountsService) {}

  @RpcHandler(P.AccountsList)
  list(@Payload() dto: AccountsListRequest): Promise<AccountListDto> {
    return this.accounts.list(dto.userId, dto.itemId, dto.includeHidden ?? false);
  }

  @RpcHandler(P.AccountsUpdate)
  update(@Payload() dto: AccountUpdateRequest): Promise<AccountDto> {
    return this.accounts.update(dto.userId, dto.accountId, {
      hidden: dto.hidden,
      displayName: dto.displayName,
    });
  }

  @RpcHandler(P.AccountBalances)
  balances(@Payload() dto: AccountBalancesRequest): Promise<AccountBalancesDto> {
    return this.accounts.balances(dto.userId, dto.accountId, dto.from, dto.to);
  }

  @RpcHandler(P.NetWorth)
  netWorth(@Payload() dto: NetWorthRequest): Promise<NetWorthDto> {
    return this.accounts.netWorth(dto.userId, dto);
  }
}
