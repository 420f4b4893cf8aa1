import { Injectable } from '@nestjs/common';
import { SEAL_PURPOSE, Sealer } from '@app/common';
import {
  DomainError,
  ErrorCode,
  type LoginDto,
  MessagePattern as P,
  type RefreshDto,
  type SealedTokenPair,
  type SignupDto,
  type TokenPairDto,
  type UserDto,
} from '@app/contracts';
import { Rpc } from '../rpc/rpc';
import { type ClientInfo } from './client-info';

// The gateway's side of the auth calls: passwords and tokens cross the broker sealed, never in plaintext.
@Injectable()
export class AuthGatewayService {
  constructor(
    private readonly rpc: Rpc,
    private readonly sealer: Sealer,
  ) {}

  signup(dto: SignupDto, clientIp: string): Promise<UserDto> {
    return this.rpc.send(P.AuthSignup, {
      email: dto.email,
      sealedPassword: this.sealer.seal(dto.password, SEAL_PURPOSE.password),
      clientIp,
    });
  }

  async login(dto: LoginDto, client: ClientInfo): Promise<TokenPairDto> {
    const pair = await this.rpc.send(P.AuthLogin, {
      email: dto.email,
      sealedPassword: this.sealer.seal(dto.password, SEAL_PURPOSE.password),
      clientIp: client.ip,
      userAgent: client.userAgent,
    });
    return this.open(pair);
  }

  async refresh(dto: RefreshDto, client?: ClientInfo): Promise<TokenPairDto> {
    const pair = await this.rpc.send(P.AuthRefresh, {
      sealedRefreshToken: this.sealer.seal(dto.refreshToken, SEAL_PURPOSE.refreshToken),
      clientIp: client?.ip,
      userAgent: client?.userAgent,
    });
    return this.open(pair);
  }

  private open(pair: SealedTokenPair): TokenPairDto {
    const accessToken = this.sealer.open(pair.sealedAccessToken, SEAL_PURPOSE.accessToken);
    const refreshToken = this.sealer.open(pair.sealedRefreshToken, SEAL_PURPOSE.refreshToken);
    if (!accessToken || !refreshToken)
      throw new DomainError(ErrorCode.Internal, 'Token pair could not be opened');
    return { accessToken, refreshToken, tokenType: pair.tokenType, expiresIn: pair.expiresIn };
  }
}
