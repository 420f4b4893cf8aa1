import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { LogoutRequest, MessagePattern as P, type RevocationsListResponse } from '@app/contracts';
import { SessionsService } from './sessions.service';

@Controller()
export class SessionsHandler {
  constructor(private readonly sessions: SessionsService) {}

  @MessagePattern(P.AuthLogout)
  logout(@Payload() dto: LogoutRequest): Promise<{ revoked: true }> {
    return this.sessions.logout(dto.userId, dto.sessionId);
  }

  @MessagePattern(P.AuthRevocationsList)
  revocations(): Promise<RevocationsListResponse> {
    return this.sessions.activeRevocations();
  }
}
