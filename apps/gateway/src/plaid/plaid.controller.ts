import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CreateLinkTokenDto,
  ExchangePublicTokenDto,
  ExchangeResultDto,
  LinkTokenDto,
  MessagePattern as P,
} from '@app/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { ApiErrors, ApiUserAuth } from '../http/api-docs';
import { Rpc } from '../rpc/rpc';
import { LinkTokensService } from './link-tokens.service';

@ApiTags('plaid')
@ApiUserAuth()
@UseGuards(JwtAuthGuard)
@ApiErrors({ 503: 'Plaid or a service is unavailable (Retry-After)' })
@Controller('v1/plaid')
export class PlaidController {
  constructor(
    private readonly rpc: Rpc,
    private readonly linkTokens: LinkTokensService,
  ) {}

  @Post('link-token')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A Link token for Plaid Link; with itemId, for update mode on that item',
    description: 'accountSelection=true (with itemId) lets the user share new accounts or stop sharing some.',
  })
  @ApiResponse({ status: 200, type: LinkTokenDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED or BAD_REQUEST', 404: 'NOT_FOUND: not one of your items' })
  linkToken(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateLinkTokenDto): Promise<LinkTokenDto> {
    return this.linkTokens.create(user.userId, dto);
  }

  @Post('exchange')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Exchange the public token from Link; the item, accounts and transactions are fetched in the background',
    description: 'Retry-safe: the same public token answers with the same item.',
  })
  @ApiResponse({ status: 202, type: ExchangeResultDto })
  @ApiErrors({ 400: 'INVALID_PUBLIC_TOKEN (with `plaid`)', 409: 'ITEM_ALREADY_LINKED' })
  exchange(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: ExchangePublicTokenDto,
  ): Promise<ExchangeResultDto> {
    return this.rpc.send(P.LinkExchange, { userId: user.userId, publicToken: dto.publicToken });
  }
}
