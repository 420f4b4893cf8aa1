import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { MessagePattern as P, SpendingDto, SpendingQueryDto } from '@app/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { Rpc } from '../rpc/rpc';

@ApiTags('insights')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@ApiResponse({ status: 401, type: ErrorResponseDto, description: 'UNAUTHORIZED' })
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
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'NOT_FOUND: not your item or account' })
  spending(@CurrentUser() user: AuthenticatedUser, @Query() query: SpendingQueryDto): Promise<SpendingDto> {
    return this.rpc.send(P.InsightsSpending, { ...query, userId: user.userId });
  }
}
