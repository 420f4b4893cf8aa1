import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccountListDto, AccountsQueryDto, MessagePattern as P } from '@app/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { RpcClients } from '../rpc/rpc-clients';

@ApiTags('accounts')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@ApiResponse({ status: 401, type: ErrorResponseDto, description: 'UNAUTHORIZED' })
@Controller('v1/accounts')
export class AccountsController {
  constructor(private readonly rpc: RpcClients) {}

  @Get()
  @ApiOperation({ summary: 'Your accounts with balances, optionally of one item' })
  @ApiResponse({ status: 200, type: AccountListDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'NOT_FOUND: not one of your items' })
  async list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: AccountsQueryDto,
  ): Promise<AccountListDto> {
    // plaid-link owns items: it decides whether the item is the caller's (404 otherwise, never data).
    if (query.itemId) await this.rpc.link.send(P.ItemsGet, { userId: user.userId, itemId: query.itemId });
    return this.rpc.sync.send(P.AccountsList, { userId: user.userId, itemId: query.itemId });
  }
}
