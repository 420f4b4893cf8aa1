import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { MessagePattern as P, RecurringListDto, RecurringQueryDto } from '@app/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { Rpc } from '../rpc/rpc';

@ApiTags('insights')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@ApiResponse({ status: 401, type: ErrorResponseDto, description: 'UNAUTHORIZED' })
@Controller('v1/recurring')
export class RecurringController {
  constructor(private readonly rpc: Rpc) {}

  @Get()
  @ApiOperation({
    summary: "Your recurring streams (Plaid's detection): subscriptions, bills, salary",
    description: 'Refreshed after each sync that changed transactions and on RECURRING_TRANSACTIONS_UPDATE.',
  })
  @ApiResponse({ status: 200, type: RecurringListDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'NOT_FOUND: not your item or account' })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: RecurringQueryDto): Promise<RecurringListDto> {
    return this.rpc.send(P.RecurringList, { ...query, userId: user.userId });
  }
}
