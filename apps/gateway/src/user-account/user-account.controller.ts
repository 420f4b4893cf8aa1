import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Ip,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ChangePasswordDto,
  DeleteAccountDto,
  DeletionAcceptedDto,
  DeletionStatusDto,
  DeletionStatusQueryDto,
  SessionListDto,
} from '@app/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { type AuthenticatedUser, DELETION_STATUS_STRATEGY } from '../auth/jwt.strategy';
import { ApiErrors, ApiUserAuth } from '../http/api-docs';
import { UserAccountService } from './user-account.service';

// The signed-in user's password, sessions and the deletion of the account. The operation ids keep the names
// published before this folder was renamed from account/ (clients generate method names from them).
@ApiTags('auth')
@ApiErrors({ 400: 'VALIDATION_FAILED' })
@Controller('v1/auth')
export class UserAccountController {
  constructor(private readonly account: UserAccountService) {}

  @Post('password')
  @HttpCode(204)
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'AccountController_changePassword',
    summary: 'Change the password; every other session is revoked, this one stays',
    description: 'Wrong currentPassword guesses count against the login throttle.',
  })
  @ApiResponse({ status: 204 })
  @ApiErrors({ 401: 'UNAUTHORIZED or INVALID_CREDENTIALS', 429: 'RATE_LIMITED, with Retry-After' })
  async changePassword(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: ChangePasswordDto,
    @Ip() clientIp: string,
  ): Promise<void> {
    await this.account.changePassword(user, dto, clientIp || 'unknown');
  }

  @Get('sessions')
  @UseGuards(JwtAuthGuard)
  @ApiUserAuth()
  @ApiOperation({
    operationId: 'AccountController_sessions',
    summary: 'Your active sessions; `current` marks the one asking',
  })
  @ApiResponse({ status: 200, type: SessionListDto })
  sessions(@CurrentUser() user: AuthenticatedUser): Promise<SessionListDto> {
    return this.account.sessions(user);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @UseGuards(JwtAuthGuard)
  @ApiUserAuth()
  @ApiOperation({
    operationId: 'AccountController_revokeSession',
    summary: 'Revoke one of your sessions: its tokens stop working on every gateway',
  })
  @ApiResponse({ status: 204 })
  @ApiErrors({ 404: 'NOT_FOUND (not yours, or not active)' })
  async revokeSession(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.account.revokeSession(user, id);
  }

  @Delete('me')
  @HttpCode(202)
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'AccountController_deleteAccount',
    summary: 'Delete your account and everything of it, at Plaid too',
    description:
      'Every session ends at once and login answers as for an unknown user; bank connections are removed at ' +
      'Plaid, then every piece of data, then the account. `statusUrl` shows the progress without a session.',
  })
  @ApiResponse({ status: 202, type: DeletionAcceptedDto })
  @ApiErrors({ 401: 'UNAUTHORIZED or INVALID_CREDENTIALS', 429: 'RATE_LIMITED, with Retry-After' })
  deleteAccount(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: DeleteAccountDto,
    @Ip() clientIp: string,
  ): Promise<DeletionAcceptedDto> {
    return this.account.deleteAccount(user, dto, clientIp || 'unknown');
  }

  @Get('me/deletion')
  @UseGuards(AuthGuard(DELETION_STATUS_STRATEGY))
  @ApiUserAuth()
  @ApiOperation({
    operationId: 'AccountController_myDeletion',
    summary: "Your account deletion's progress",
    description: 'Answers to the access token that asked for the deletion until it expires, though revoked.',
  })
  @ApiResponse({ status: 200, type: DeletionStatusDto })
  @ApiErrors({ 404: 'NOT_FOUND (no deletion asked)' })
  myDeletion(@CurrentUser() user: AuthenticatedUser): Promise<DeletionStatusDto> {
    return this.account.myDeletion(user);
  }

  @Get('deletions/:deletionId')
  @ApiOperation({
    operationId: 'AccountController_deletion',
    summary: "An account deletion's progress, by the status link of its 202",
    description: 'The token grants reading this status and nothing else.',
  })
  @ApiResponse({ status: 200, type: DeletionStatusDto })
  @ApiErrors({ 404: 'NOT_FOUND (unknown id or wrong token)' })
  deletion(
    @Param('deletionId', ParseUUIDPipe) deletionId: string,
    @Query() query: DeletionStatusQueryDto,
  ): Promise<DeletionStatusDto> {
    return this.account.deletionByToken(deletionId, query.token);
  }
}
