import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { MessagePattern as P, SpendingDto, SpendingQueryDto } from '@app/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { ApiErrors, ApiUserAuth } from '../http/api-docs';
import { Rpc } from '../rpc/rpc';

@ApiTags('insights')
@ApiUserAuth()
@UseGuards(JwtAuthGuard)
@Controller('v1/insights')
export class InsightsController {
  constructor(private readonly rpc: Rpc) {}

  @Get('spending')
  @ApiOperation({
    summary: 'Money out and in per category, merchant or month, per currency',
    description:
      'Effective categories and names (your edits, then rules). Leaves out hidden transactions, those excluded ' +
      'from spending and both halves of transfers between your accounts. Currencies are never added together.',
  })
  @ApiResponse({ status: 200, type: SpendingDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED', 404: 'NOT_FOUND: not your item or account' })
  spending(@CurrentUser() user: AuthenticatedUser, @Query() query: SpendingQueryDto): Promise<SpendingDto> {
    return this.rpc.send(P.InsightsSpending, { ...query, userId: user.userId });
  }
}
