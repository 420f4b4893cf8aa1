import { IsInt, IsUUID, Max, Min } from 'class-validator';

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

// Broadcast by auth to every gateway (BroadcastEvent.SessionRevoked) and listed by AuthRevocationsList. Anyone
// who can publish to the exchange can send one: the gateway validates it and caps `until` at its access-token TTL.
export class SessionRevocation {
  @IsUUID()
  sessionId: string;

  // Epoch seconds after which no access token of the session can still be valid (a date before year 10000).
  @IsInt()
  @Min(1)
  @Max(253402300799)
  until: number;
}

export interface RevocationsListResponse {
  revocations: SessionRevocation[];
}
