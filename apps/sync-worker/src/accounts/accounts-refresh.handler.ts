import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  type AccountListDto,
  AccountSelectionStartedRequest,
  BalanceRefreshRequest,
  ItemRef,
  MessagePattern as P,
} from '@app/contracts';
import { AccountsRefreshService } from './accounts-refresh.service';

@Controller()
export class AccountsRefreshHandler {
  constructor(private readonly refresh: AccountsRefreshService) {}

  @MessagePattern(P.BalanceRefresh)
  balances(@Payload() dto: BalanceRefreshRequest): Promise<AccountListDto> {
    return this.refresh.refreshBalances(dto.userId, dto.itemId);
  }

  @MessagePattern(P.ItemAccountsRefresh)
  accounts(@Payload() dto: ItemRef): Promise<AccountListDto> {
    return this.refresh.refreshAccounts(dto.userId, dto.itemId);
  }

  @MessagePattern(P.AccountSelectionStarted)
  selectionStarted(@Payload() dto: AccountSelectionStartedRequest): Promise<{ accepted: true }> {
    return this.refresh.startAccountSelection(dto.userId, dto.itemId);
  }
}
