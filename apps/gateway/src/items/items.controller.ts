import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ItemDto, ItemListDto, MessagePattern as P, SyncRequestAcceptedDto } from '@app/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { RpcClients } from '../rpc/rpc-clients';

@ApiTags('items')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@ApiResponse({ status: 401, type: ErrorResponseDto, description: 'UNAUTHORIZED' })
@Controller('v1/items')
export class ItemsController {
  constructor(private readonly rpc: RpcClients) {}

  @Get()
  @ApiOperation({ summary: 'Your linked items' })
  @ApiResponse({ status: 200, type: ItemListDto })
  list(@CurrentUser() user: AuthenticatedUser): Promise<ItemListDto> {
    return this.rpc.link.send(P.ItemsList, { userId: user.userId });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your items' })
  @ApiResponse({ status: 200, type: ItemDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'NOT_FOUND' })
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<ItemDto> {
    return this.rpc.link.send(P.ItemsGet, { userId: user.userId, itemId: id });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the item at Plaid, then its accounts and transactions here' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'NOT_FOUND' })
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.rpc.link.send(P.ItemsDelete, { userId: user.userId, itemId: id });
  }

  @Post(':id/sync')
  @HttpCode(202)
  @ApiOperation({ summary: 'Pull the latest changes from Plaid now (at most once a minute per item)' })
  @ApiResponse({ status: 202, type: SyncRequestAcceptedDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'NOT_FOUND' })
  @ApiResponse({ status: 429, type: ErrorResponseDto, description: 'RATE_LIMITED, with Retry-After' })
  // sync-worker answers NOT_FOUND itself for an item that is not the caller's (one round trip).
  sync(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<SyncRequestAcceptedDto> {
    return this.rpc.sync.send(P.SyncRequest, { userId: user.userId, itemId: id });
  }
}
