import { Body, Controller, Get, HttpCode, Inject, Ip, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  DomainError,
  ErrorCode,
  LoginDto,
  MessagePattern as P,
  SignupDto,
  TokenPairDto,
  UserDto,
} from '@app/contracts';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { APP_CONFIG, type GatewayConfig } from '../config';
import { ApiErrors, ApiUserAuth } from '../http/api-docs';
import { Rpc } from '../rpc/rpc';
import { CurrentUser, JwtAuthGuard } from './jwt-auth.guard';
import { type AuthenticatedUser } from './jwt.strategy';
import { AuthGatewayService } from './auth.service';
import { RevocationsService } from './revocations.service';
import { AccessTokenDto } from './dto/access-token.dto';
import { RefreshRequestDto } from './dto/refresh-request.dto';
import { userAgentOf } from './client-info';
import {
  clearRefreshCookie,
  readRefreshCookie,
  setRefreshCookie,
  wantsCookieSession,
} from './session-cookie';

const SESSION_MODE_DOC = {
  name: 'X-Session-Mode',
  required: false,
  description:
    '`cookie`: a browser session. The refresh token is set in an HttpOnly cookie (Path=/v1/auth) and read ' +
    'from it, never in a body.',
};

@ApiTags('auth')
@ApiErrors({ 400: 'VALIDATION_FAILED' })
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly rpc: Rpc,
    private readonly revocations: RevocationsService,
    private readonly auth: AuthGatewayService,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post('signup')
  @ApiOperation({ summary: 'Create an account' })
  @ApiResponse({ status: 201, type: UserDto })
  @ApiErrors({ 409: 'EMAIL_TAKEN', 429: 'RATE_LIMITED, with Retry-After' })
  signup(@Body() dto: SignupDto, @Ip() clientIp: string): Promise<UserDto> {
    return this.auth.signup(dto, clientIp || 'unknown');
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for an access and a refresh token' })
  @ApiHeader(SESSION_MODE_DOC)
  @ApiResponse({ status: 200, type: TokenPairDto, description: 'AccessTokenDto with X-Session-Mode: cookie' })
  @ApiErrors({ 401: 'INVALID_CREDENTIALS', 429: 'RATE_LIMITED, with Retry-After' })
  async login(
    @Body() dto: LoginDto,
    @Ip() clientIp: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenPairDto | AccessTokenDto> {
    return this.deliver(
      await this.auth.login(dto, { ip: clientIp || 'unknown', userAgent: userAgentOf(request) }),
      request,
      reply,
    );
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the refresh token; a reused one revokes its whole session' })
  @ApiHeader(SESSION_MODE_DOC)
  @ApiResponse({ status: 200, type: TokenPairDto, description: 'AccessTokenDto with X-Session-Mode: cookie' })
  @ApiErrors({ 401: 'INVALID_REFRESH_TOKEN', 429: 'RATE_LIMITED, with Retry-After' })
  async refresh(
    @Body() dto: RefreshRequestDto,
    @Ip() clientIp: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenPairDto | AccessTokenDto> {
    const client = { ip: clientIp || 'unknown', userAgent: userAgentOf(request) };
    if (!wantsCookieSession(request)) {
      if (dto.refreshToken === undefined)
        throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed', [
          { field: 'refreshToken', messages: ['refreshToken must be a string'] },
        ]);
      return this.auth.refresh({ refreshToken: dto.refreshToken }, client);
    }
    const refreshToken = readRefreshCookie(request);
    if (refreshToken === undefined)
      throw new DomainError(ErrorCode.InvalidRefreshToken, 'No session: log in again');
    try {
      return this.deliver(await this.auth.refresh({ refreshToken }, client), request, reply);
    } catch (err) {
      // A dead refresh token stays dead: drop the cookie so the browser stops presenting it.
      if (err instanceof DomainError && err.code === ErrorCode.InvalidRefreshToken)
        clearRefreshCookie(request, reply);
      throw err;
    }
  }

  @Post('logout')
  @HttpCode(204)
  @UseGuards(JwtAuthGuard)
  @ApiUserAuth()
  @ApiOperation({ summary: 'Revoke this session: its access and refresh tokens stop working at once' })
  @ApiHeader(SESSION_MODE_DOC)
  @ApiResponse({ status: 204, description: 'With X-Session-Mode: cookie, the refresh cookie is cleared' })
  async logout(
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.rpc.send(P.AuthLogout, user);
    // This instance stops accepting the token now; the others learn it from the broadcast.
    this.revocations.revokeLocally(user.sessionId);
    if (wantsCookieSession(request)) clearRefreshCookie(request, reply);
  }

  @Get('me')
  @UseGuards(JwtAuthGuard)
  @ApiUserAuth()
  @ApiOperation({ summary: 'The current user' })
  @ApiResponse({ status: 200, type: UserDto })
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserDto> {
    return this.rpc.send(P.AuthMe, { userId: user.userId });
  }

  // A browser session gets the refresh token as an HttpOnly cookie and only the access token in the body.
  private deliver(
    pair: TokenPairDto,
    request: FastifyRequest,
    reply: FastifyReply,
  ): TokenPairDto | AccessTokenDto {
    if (!wantsCookieSession(request)) return pair;
    setRefreshCookie(request, reply, pair.refreshToken, this.config.REFRESH_COOKIE_MAX_AGE_SECONDS);
    return { accessToken: pair.accessToken, tokenType: pair.tokenType, expiresIn: pair.expiresIn };
  }
}
