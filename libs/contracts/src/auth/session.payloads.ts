import { IsUUID } from 'class-validator';

export class LogoutRequest {
  @IsUUID()
  userId: string;

  @IsUUID()
  sessionId: string;
}

export class MeRequest {
  @IsUUID()
  userId: string;
}

export class RevocationsListRequest {}

export interface SessionRevocation {
  sessionId: string;
  // Epoch seconds after which no access token of the session can still be valid.
  until: number;
}

export interface RevocationsListResponse {
  revocations: SessionRevocation[];
}
