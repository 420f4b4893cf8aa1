import { type LoginRequest, type RefreshDto, type SignupDto } from './auth/credentials.dto';
import { type TokenPairDto, type UserDto } from './auth/auth.responses';
import {
  type LogoutRequest,
  type MeRequest,
  type RevocationsListRequest,
  type RevocationsListResponse,
} from './auth/session.payloads';
import { type PingResponse } from './health/ping';
import { type MessagePattern } from './patterns';

// Request and response types of every RPC pattern: the typed client cannot send a payload of the wrong shape.
export interface RpcContract {
  [MessagePattern.HealthPing]: { request: Record<string, never>; response: PingResponse };
  [MessagePattern.AuthSignup]: { request: SignupDto; response: UserDto };
  [MessagePattern.AuthLogin]: { request: LoginRequest; response: TokenPairDto };
  [MessagePattern.AuthRefresh]: { request: RefreshDto; response: TokenPairDto };
  [MessagePattern.AuthLogout]: { request: LogoutRequest; response: { revoked: true } };
  [MessagePattern.AuthMe]: { request: MeRequest; response: UserDto };
  [MessagePattern.AuthRevocationsList]: { request: RevocationsListRequest; response: RevocationsListResponse };
}

export type RpcPattern = keyof RpcContract;
export type RpcRequest<P extends RpcPattern> = RpcContract[P]['request'];
export type RpcResponse<P extends RpcPattern> = RpcContract[P]['response'];
