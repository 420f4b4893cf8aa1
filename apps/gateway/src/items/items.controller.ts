import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AccountListDto,
  ItemDto,
  ItemListDto,
  MessagePattern as P,
  SyncRequestAcceptedDto,
} from '@app/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { ApiErrors, ApiUserAuth } from '../http/api-docs';
import { Rpc } from '../rpc/rpc';

@ApiTags('items')
@ApiUserAuth()
@UseGuards(JwtAuthGuard)
@Controller('v1/items')
export class ItemsController {
  constructor(private readonly rpc: Rpc) {}

  @Get()
  @ApiOperation({ summary: 'Your linked items' })
  @ApiResponse({ status: 200, type: ItemListDto })
  list(@CurrentUser() user: AuthenticatedUser): Promise<ItemListDto> {
    return this.rpc.send(P.ItemsList, { userId: user.userId });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your items' })
  @ApiResponse({ status: 200, type: ItemDto })
  @ApiErrors({ 404: 'NOT_FOUND' })
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<ItemDto> {
    return this.rpc.send(P.ItemsGet, { userId: user.userId, itemId: id });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the item at Plaid, then its accounts and transactions here' })
  @ApiResponse({ status: 204 })
  @ApiErrors({ 404: 'NOT_FOUND' })
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.rpc.send(P.ItemsDelete, { userId: user.userId, itemId: id });
  }

  @Post(':id/sync')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Pull the latest changes from Plaid now (at most once a minute per item)',
    description:
      'Asks Plaid to refresh the item from the bank first (/transactions/refresh, unless TRANSACTIONS_REFRESH_ON_MANUAL_SYNC=false), then pulls with the cursor.',
  })
  @ApiResponse({ status: 202, type: SyncRequestAcceptedDto })
  @ApiErrors({ 404: 'NOT_FOUND', 429: 'RATE_LIMITED, with Retry-After' })
  // sync-worker answers NOT_FOUND itself for an item that is not the caller's (one round trip).
  sync(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<SyncRequestAcceptedDto> {
    return this.rpc.send(P.SyncRequest, { userId: user.userId, itemId: id });
  }

  @Post(':id/accounts/refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: "Reconcile the item's accounts with the bank, after Link's account selection",
    description:
      'Newly shared accounts appear (their history follows with a sync), accounts you stopped sharing become ' +
      '`unlinked` and leave totals. The item’s next sync does the same.',
  })
  @ApiResponse({ status: 200, type: AccountListDto })
  @ApiErrors({ 404: 'NOT_FOUND', 503: 'The institution is down (Retry-After)' })
  refreshAccounts(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<AccountListDto> {
    return this.rpc.send(P.ItemAccountsRefresh, { userId: user.userId, itemId: id });
  }
}
