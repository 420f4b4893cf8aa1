import { Body, Controller, Get, Header, Param, Patch, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  type JsonText,
  MessagePattern as P,
  TransactionChangesDto,
  TransactionChangesQueryDto,
  TransactionDto,
  TransactionEditDto,
  TransactionPageDto,
  TransactionsQueryDto,
} from '@app/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { ApiErrors, ApiUserAuth } from '../http/api-docs';
import { Rpc } from '../rpc/rpc';

@ApiTags('transactions')
@ApiUserAuth()
@UseGuards(JwtAuthGuard)
@Controller('v1/transactions')
export class TransactionsController {
  constructor(private readonly rpc: Rpc) {}

  @Get()
  // The page arrives as JSON text built by the sync worker's query and is sent on as it is.
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: 'Your transactions, newest first, keyset-paginated (pass nextCursor as cursor)' })
  @ApiResponse({ status: 200, type: TransactionPageDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED', 404: 'NOT_FOUND: not your item or account' })
  // sync-worker knows each item's owner: a foreign or unknown itemId is its NOT_FOUND (one round trip).
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: TransactionsQueryDto,
  ): Promise<JsonText<TransactionPageDto>> {
    return this.rpc.send(P.TransactionsList, { ...query, userId: user.userId });
  }

  @Get('changes')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({
    summary: 'What changed in your transactions since a cursor (none: everything, as added)',
    description:
      'Apply pages in order: upsert added and modified, delete removed, then keep nextCursor. ' +
      'Ask again while hasMore. 410 CURSOR_EXPIRED: drop the replica and start without a cursor.',
  })
  @ApiResponse({ status: 200, type: TransactionChangesDto })
  @ApiErrors({
    400: 'VALIDATION_FAILED: bad limit or cursor',
    404: 'NOT_FOUND: not your item',
    410: 'CURSOR_EXPIRED: start over',
  })
  changes(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: TransactionChangesQueryDto,
  ): Promise<JsonText<TransactionChangesDto>> {
    return this.rpc.send(P.TransactionsChanges, { ...query, userId: user.userId });
  }

  @Get(':id')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: 'One of your transactions (hidden ones too), with your edits applied' })
  @ApiParam({ name: 'id', description: "Plaid's transaction_id" })
  @ApiResponse({ status: 200, type: TransactionDto })
  @ApiErrors({ 404: 'NOT_FOUND: not your transaction' })
  get(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<JsonText<TransactionDto>> {
    return this.rpc.send(P.TransactionsGet, { userId: user.userId, id });
  }

  @Patch(':id')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({
    summary:
      'Edit a transaction: category, note, hidden, excludeFromSpending, displayName, unpair a transfer',
    description:
      "Edits are kept apart from Plaid's data and win over it (and over rules); every later sync keeps them, " +
      "and a posted transaction takes over its pending one's edit. A field left out stays; null clears it. " +
      'transferPairId: null unpairs both halves for good.',
  })
  @ApiParam({ name: 'id', description: "Plaid's transaction_id" })
  @ApiResponse({ status: 200, type: TransactionDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED: e.g. an unknown category', 404: 'NOT_FOUND: not your transaction' })
  edit(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Body() body: TransactionEditDto,
  ): Promise<JsonText<TransactionDto>> {
    return this.rpc.send(P.TransactionsEdit, { ...body, userId: user.userId, id });
  }
}
