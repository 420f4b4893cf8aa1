import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { MessagePattern as P, NetWorthDto, NetWorthQueryDto } from '@app/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { ApiErrors, ApiUserAuth } from '../http/api-docs';
import { Rpc } from '../rpc/rpc';

@ApiTags('accounts')
@ApiUserAuth()
@UseGuards(JwtAuthGuard)
@Controller('v1/net-worth')
export class NetWorthController {
  constructor(private readonly rpc: Rpc) {}

  @Get()
  @ApiOperation({
    summary: 'Net worth over time: assets, liabilities and their difference per day, week or month',
    description:
      'Depository, investment and other balances are assets; credit and loan balances are liabilities whatever ' +
      'sign the institution reports. Hidden, unlinked, closed and revoked accounts are left out. Each point is ' +
      'the last day of its period (the last point is `to`); the series starts at the first period with a balance ' +
      '(empty when there is none: unknown days are not zeros). Accounts in another currency are reported in ' +
      '`otherCurrencies`, never added together.',
  })
  @ApiResponse({ status: 200, type: NetWorthDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED or BAD_REQUEST (range)' })
  netWorth(@CurrentUser() user: AuthenticatedUser, @Query() query: NetWorthQueryDto): Promise<NetWorthDto> {
    return this.rpc.send(P.NetWorth, {
      userId: user.userId,
      from: query.from,
      to: query.to,
      interval: query.interval,
    });
  }
}
