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
  // sync-worker knows each item's owner: a foreign or unknown itemId is its NOT_FOUND (one round trip).
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: AccountsQueryDto): Promise<AccountListDto> {
    return this.rpc.sync.send(P.AccountsList, { userId: user.userId, itemId: query.itemId });
  }
}
