import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  LogoutRequest,
  MessagePattern as P,
  type RevocationsListResponse,
  type SessionListDto,
  SessionRevokeRequest,
  SessionsListRequest,
} from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { SessionsService } from './sessions.service';

@Controller()
export class SessionsHandler {
  constructor(private readonly sessions: SessionsService) {}

  @RpcHandler(P.AuthLogout)
  logout(@Payload() dto: LogoutRequest): Promise<{ revoked: true }> {
    return this.sessions.logout(dto.userId, dto.sessionId);
  }

  @RpcHandler(P.AuthSessionsList)
  list(@Payload() dto: SessionsListRequest): Promise<SessionListDto> {
    return this.sessions.list(dto.userId, dto.sessionId);
  }

  @RpcHandler(P.AuthSessionRevoke)
  revoke(@Payload() dto: SessionRevokeRequest): Promise<{ revoked: true }> {
    return this.sessions.revokeOne(dto.userId, dto.targetSessionId);
  }

  @RpcHandler(P.AuthRevocationsList)
  revocations(): Promise<RevocationsListResponse> {
    return this.sessions.activeRevocations();
  }
}
