import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AccountBalancesDto,
  AccountDto,
  AccountListDto,
  AccountsQueryDto,
  BalanceRefreshDto,
  DateRangeQueryDto,
  MessagePattern as P,
  UpdateAccountDto,
} from '@app/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { ApiErrors, ApiUserAuth } from '../http/api-docs';
import { Rpc } from '../rpc/rpc';

@ApiTags('accounts')
@ApiUserAuth()
@UseGuards(JwtAuthGuard)
@Controller('v1/accounts')
export class AccountsController {
  constructor(private readonly rpc: Rpc) {}

  @Get()
  @ApiOperation({
    summary: 'Your accounts with balances, optionally of one item',
    description:
      'Every account with its status (active, unlinked, closed, revoked); hidden accounts only with includeHidden=true. ' +
      '`balances.current` is the balance; `balances.available` is what can be spent now, and is never the balance.',
  })
  @ApiResponse({ status: 200, type: AccountListDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED', 404: 'NOT_FOUND: not one of your items' })
  // sync-worker knows each item's owner: a foreign or unknown itemId is its NOT_FOUND (one round trip).
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: AccountsQueryDto): Promise<AccountListDto> {
    return this.rpc.send(P.AccountsList, {
      userId: user.userId,
      itemId: query.itemId,
      includeHidden: query.includeHidden,
    });
  }

  @Post('balance/refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: "Real-time balances of one item's accounts from the bank (Plaid /accounts/balance/get)",
    description:
      'At most once per item per BALANCE_REFRESH_MIN_INTERVAL_SECONDS; answers the item’s accounts.',
  })
  @ApiResponse({ status: 200, type: AccountListDto })
  @ApiErrors({
    400: 'VALIDATION_FAILED, or a Plaid error',
    404: 'NOT_FOUND: not one of your items',
    429: 'RATE_LIMITED, with Retry-After',
    503: 'The institution is down (Retry-After)',
  })
  refreshBalances(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: BalanceRefreshDto,
  ): Promise<AccountListDto> {
    return this.rpc.send(P.BalanceRefresh, { userId: user.userId, itemId: dto.itemId });
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Hide an account or give it your own name',
    description:
      'Hidden accounts leave net worth and, unless includeHidden=true, the accounts and transactions lists. ' +
      'displayName survives every sync; null restores the institution’s name.',
  })
  @ApiResponse({ status: 200, type: AccountDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED or BAD_REQUEST', 404: 'NOT_FOUND: not one of your accounts' })
  update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateAccountDto,
  ): Promise<AccountDto> {
    return this.rpc.send(P.AccountsUpdate, { ...dto, userId: user.userId, accountId: id });
  }

  @Get(':id/balances')
  @ApiOperation({
    summary: 'Daily balance history of one account',
    description:
      'One point per day from `from` to `to` (default: the last 30 days); a day without a new balance carries the ' +
      'previous one forward (`carriedForward: true`); no point before the account was first seen.',
  })
  @ApiResponse({ status: 200, type: AccountBalancesDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED or BAD_REQUEST (range)', 404: 'NOT_FOUND: not one of your accounts' })
  balances(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: DateRangeQueryDto,
  ): Promise<AccountBalancesDto> {
    return this.rpc.send(P.AccountBalances, {
      userId: user.userId,
      accountId: id,
      from: query.from,
      to: query.to,
    });
  }
}
