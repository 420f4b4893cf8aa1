import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';

// --- HTTP bodies (the gateway seals the passwords before they cross the broker) ---

export class ChangePasswordDto {
  @ApiProperty({ example: 'correct horse battery' })
  @IsString()
  @Length(1, 128, { message: 'currentPassword must be 1 to 128 characters' })
  currentPassword: string;

  @ApiProperty({ minLength: 8, maxLength: 128, example: 'a much better passphrase' })
  @IsString()
  @Length(8, 128, { message: 'newPassword must be 8 to 128 characters' })
  newPassword: string;
}

export class DeleteAccountDto {
  @ApiProperty({ description: 'The current password: deleting an account asks for it again.' })
  @IsString()
  @Length(1, 128, { message: 'password must be 1 to 128 characters' })
  password: string;
}

export class DeletionStatusQueryDto {
  @ApiProperty({ description: 'The status token from the 202 of DELETE /v1/auth/me (its statusUrl).' })
  @IsString()
  @Length(20, 200)
  token: string;
}

// --- Answers ---

export class SessionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', description: 'The last login or token refresh of the session.' })
  lastUsedAt: string;

  @ApiProperty({ nullable: true, type: String })
  userAgent: string | null;

  @ApiProperty({ nullable: true, type: String })
  ip: string | null;

  @ApiProperty({ description: 'The session of the access token that asked.' })
  current: boolean;
}

export class SessionListDto {
  @ApiProperty({ type: [SessionDto] })
  data: SessionDto[];
}

export const DELETION_STATES = ['removing_items', 'deleting_data', 'completed'] as const;
export type DeletionState = (typeof DELETION_STATES)[number];

export class DeletionStatusDto {
  @ApiProperty({ format: 'uuid' })
  deletionId: string;

  @ApiProperty({ enum: ['pending', 'completed'] })
  status: 'pending' | 'completed';

  @ApiProperty({
    enum: DELETION_STATES,
    description:
      'removing_items: bank connections are being removed at Plaid; deleting_data: accounts and transactions ' +
      'are being deleted; completed: nothing of the account is left.',
  })
  step: DeletionState;

  @ApiProperty({ format: 'date-time' })
  requestedAt: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  completedAt: string | null;
}

export class DeletionAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  deletionId: string;

  @ApiProperty({ enum: ['pending'] })
  status: 'pending';

  @ApiProperty({
    description:
      'Progress of the deletion, readable without a session (every session ends at once). The token in it ' +
      'grants reading this status and nothing else.',
    example: '/v1/auth/deletions/0b7c…?token=…',
  })
  statusUrl: string;
}

// --- RPC payloads ---

export class SealedPasswordChangeRequest {
  @IsUUID()
  userId: string;

  @IsUUID()
  sessionId: string;

  @IsString()
  @Length(20, 1024)
  sealedCurrentPassword: string;

  @IsString()
  @Length(20, 1024)
  sealedNewPassword: string;

  @IsString()
  @MaxLength(64)
  clientIp: string;
}

export class SessionsListRequest {
  @IsUUID()
  userId: string;

  // The asking session, marked `current`.
  @IsUUID()
  sessionId: string;
}

export class SessionRevokeRequest {
  @IsUUID()
  userId: string;

  @IsUUID()
  targetSessionId: string;
}

export class SealedDeletionRequest {
  @IsUUID()
  userId: string;

  @IsString()
  @Length(20, 1024)
  sealedPassword: string;

  @IsString()
  @MaxLength(64)
  clientIp: string;
}

// The status token crosses the broker sealed, like every other secret.
export interface SealedDeletionAccepted {
  deletionId: string;
  sealedStatusToken: string;
}

export class DeletionStatusRequest {
  @IsUUID()
  userId: string;
}

export class DeletionStatusByTokenRequest {
  @IsUUID()
  deletionId: string;

  @IsString()
  @Length(20, 1024)
  sealedStatusToken: string;
}

export class ExportProfileRequest {
  @IsUUID()
  userId: string;

  @IsUUID()
  sessionId: string;
}

// What auth holds of a user, for an export: no password hash, no token hashes.
export interface ExportProfileResponse {
  profile: { id: string; email: string; createdAt: string };
  sessions: SessionDto[];
}

// Export formats of GET /v1/export.
export const EXPORT_FORMATS = ['json', 'csv'] as const;

export class ExportQueryDto {
  @ApiProperty({ enum: EXPORT_FORMATS, required: false, default: 'json' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS, { message: 'format must be json or csv' })
  format?: (typeof EXPORT_FORMATS)[number];
}
