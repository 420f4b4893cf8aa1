import { Body, Controller, Get, HttpCode, Ip, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { LoginDto, MessagePattern as P, RefreshDto, SignupDto, TokenPairDto, UserDto } from '@app/contracts';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { RpcClients } from '../rpc/rpc-clients';
import { CurrentUser, JwtAuthGuard } from './jwt-auth.guard';
import { type AuthenticatedUser } from './jwt.strategy';
import { AuthGatewayService } from './auth.service';
import { RevocationsService } from './revocations.service';

@ApiTags('auth')
@ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly rpc: RpcClients,
    private readonly revocations: RevocationsService,
    private readonly auth: AuthGatewayService,
  ) {}

  @Post('signup')
  @ApiOperation({ summary: 'Create an account' })
  @ApiResponse({ status: 201, type: UserDto })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'EMAIL_TAKEN' })
  @ApiResponse({ status: 429, type: ErrorResponseDto, description: 'RATE_LIMITED, with Retry-After' })
  signup(@Body() dto: SignupDto, @Ip() clientIp: string): Promise<UserDto> {
    return this.auth.signup(dto, clientIp || 'unknown');
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for an access and a refresh token' })
  @ApiResponse({ status: 200, type: TokenPairDto })
  @ApiResponse({ status: 401, type: ErrorResponseDto, description: 'INVALID_CREDENTIALS' })
  @ApiResponse({ status: 429, type: ErrorResponseDto, description: 'RATE_LIMITED, with Retry-After' })
  login(@Body() dto: LoginDto, @Ip() clientIp: string): Promise<TokenPairDto> {
    return this.auth.login(dto, clientIp || 'unknown');
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the refresh token; a reused one revokes its whole session' })
  @ApiResponse({ status: 200, type: TokenPairDto })
  @ApiResponse({ status: 401, type: ErrorResponseDto, description: 'INVALID_REFRESH_TOKEN' })
  @ApiResponse({ status: 429, type: ErrorResponseDto, description: 'RATE_LIMITED, with Retry-After' })
  refresh(@Body() dto: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(dto);
  }

  @Post('logout')
  @HttpCode(204)
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke this session: its access and refresh tokens stop working at once' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 401, type: ErrorResponseDto, description: 'UNAUTHORIZED' })
  async logout(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.rpc.auth.send(P.AuthLogout, user);
    // This instance stops accepting the token now; the others learn it from the broadcast.
    this.revocations.revokeLocally(user.sessionId);
  }

  @Get('me')
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The current user' })
  @ApiResponse({ status: 200, type: UserDto })
  @ApiResponse({ status: 401, type: ErrorResponseDto, description: 'UNAUTHORIZED' })
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserDto> {
    return this.rpc.auth.send(P.AuthMe, { userId: user.userId });
  }
}
