import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  MessagePattern as P,
  SealedLoginRequest,
  SealedPasswordChangeRequest,
  SealedRefreshRequest,
  SealedSignupRequest,
  type SealedTokenPair,
  type UserDto,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { AuthService } from './auth.service';

@Controller()
export class AuthHandler {
  constructor(private readonly auth: AuthService) {}

  @RpcHandler(P.AuthSignup)
  signup(@Payload() dto: SealedSignupRequest): Promise<UserDto> {
    return this.auth.signup(dto);
  }

  @RpcHandler(P.AuthLogin)
  login(@Payload() dto: SealedLoginRequest): Promise<SealedTokenPair> {
    return this.auth.login(dto);
  }

  @RpcHandler(P.AuthPasswordChange)
  changePassword(@Payload() dto: SealedPasswordChangeRequest): Promise<{ changed: true }> {
    return this.auth.changePassword(dto);
  }

  @RpcHandler(P.AuthRefresh)
  refresh(@Payload() dto: SealedRefreshRequest): Promise<SealedTokenPair> {
    return this.auth.refresh(dto);
  }
}
