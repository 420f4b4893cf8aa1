import { Body, Controller, Param } from '@nestjs/common';
import { type AccountBase } from 'plaid';
import { ControlPost } from '../common/plaid-endpoint';
import { controlBody } from '../control/control.service';
import { type AddedAccount, AccountLifecycleService } from './account-lifecycle.service';

/** Test-only routes (no Plaid auth): accounts opening and closing at the institution, balances moving. */
@Controller('sandbox-control/items/:item_id')
export class AccountLifecycleController {
  constructor(private readonly lifecycle: AccountLifecycleService) {}

  @ControlPost('accounts')
  add(@Param('item_id') itemId: string, @Body() body: unknown): AddedAccount {
    return this.lifecycle.addAccount(itemId, controlBody(body));
  }

  @ControlPost('accounts/:account_id/close')
  close(@Param('item_id') itemId: string, @Param('account_id') accountId: string): { closed: true } {
    return this.lifecycle.closeAccount(itemId, accountId);
  }

  @ControlPost('balances')
  balances(@Param('item_id') itemId: string, @Body() body: unknown): { accounts: AccountBase[] } {
    return this.lifecycle.moveBalances(itemId, controlBody(body));
  }
}
