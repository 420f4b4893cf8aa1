import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  MessagePattern as P,
  SealedLoginRequest,
  SealedPasswordChangeRequest,
  SealedRefreshRequest,
  SealedSignupRequest,
  type SealedTokenPair,
  type UserDto,
} from '@app/contracts';
import { AuthService } from './auth.service';

@Controller()
export class AuthHandler {
  constructor(private readonly auth: AuthService) {}

  @MessagePattern(P.AuthSignup)
  signup(@Payload() dto: SealedSignupRequest): Promise<UserDto> {
    return this.auth.signup(dto);
  }

  @MessagePattern(P.AuthLogin)
  login(@Payload() dto: SealedLoginRequest): Promise<SealedTokenPair> {
    return this.auth.login(dto);
  }

  @MessagePattern(P.AuthPasswordChange)
  changePassword(@Payload() dto: SealedPasswordChangeRequest): Promise<{ changed: true }> {
    return this.auth.changePassword(dto);
  }

  @MessagePattern(P.AuthRefresh)
  refresh(@Payload() dto: SealedRefreshRequest): Promise<SealedTokenPair> {
    return this.auth.refresh(dto);
  }
}
