import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { MessagePattern as P, RecurringListDto, RecurringQueryDto } from '@app/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { ApiErrors, ApiUserAuth } from '../http/api-docs';
import { Rpc } from '../rpc/rpc';

@ApiTags('insights')
@ApiUserAuth()
@UseGuards(JwtAuthGuard)
@Controller('v1/recurring')
export class RecurringController {
  constructor(private readonly rpc: Rpc) {}

  @Get()
  @ApiOperation({
    summary: "Your recurring streams (Plaid's detection): subscriptions, bills, salary",
    description: 'Refreshed after each sync that changed transactions and on RECURRING_TRANSACTIONS_UPDATE.',
  })
  @ApiResponse({ status: 200, type: RecurringListDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED', 404: 'NOT_FOUND: not your item or account' })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: RecurringQueryDto): Promise<RecurringListDto> {
    return this.rpc.send(P.RecurringList, { ...query, userId: user.userId });
  }
}
