import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type AccountListDto,
  AccountSelectionStartedRequest,
  BalanceRefreshRequest,
  ItemRef,
  MessagePattern as P,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { AccountsRefreshService } from './accounts-refresh.service';

@Controller()
export class AccountsRefreshHandler {
  constructor(private readonly refresh: AccountsRefreshService) {}

  @RpcHandler(P.BalanceRefresh)
  balances(@Payload() dto: BalanceRefreshRequest): Promise<AccountListDto> {
    return this.refresh.refreshBalances(dto.userId, dto.itemId);
  }

  @RpcHandler(P.ItemAccountsRefresh)
  accounts(@Payload() dto: ItemRef): Promise<AccountListDto> {
    return this.refresh.refreshAccounts(dto.userId, dto.itemId);
  }

  @RpcHandler(P.AccountSelectionStarted)
  selectionStarted(@Payload() dto: AccountSelectionStartedRequest): Promise<{ accepted: true }> {
    return this.refresh.startAccountSelection(dto.userId, dto.itemId);
  }
}
