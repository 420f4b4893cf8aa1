import { Injectable } from '@nestjs/common';
import { SEAL_PURPOSE, Sealer } from '@app/common';
import {
  type ChangePasswordDto,
  type DeleteAccountDto,
  type DeletionAcceptedDto,
  type DeletionStatusDto,
  DomainError,
  ErrorCode,
  MessagePattern as P,
  type SessionListDto,
} from '@app/contracts';
import { type AuthenticatedUser } from '../auth/jwt.strategy';
import { RevocationsService } from '../auth/revocations.service';
import { Rpc } from '../rpc/rpc';

// The gateway's side of password, sessions and deletion: secrets cross the broker sealed.
@Injectable()
export class UserAccountService {
  constructor(
    private readonly rpc: Rpc,
    private readonly sealer: Sealer,
    private readonly revocations: RevocationsService,
  ) {}

  async changePassword(user: AuthenticatedUser, dto: ChangePasswordDto, clientIp: string): Promise<void> {
    await this.rpc.send(P.AuthPasswordChange, {
      userId: user.userId,
      sessionId: user.sessionId,
      sealedCurrentPassword: this.sealer.seal(dto.currentPassword, SEAL_PURPOSE.password),
      sealedNewPassword: this.sealer.seal(dto.newPassword, SEAL_PURPOSE.password),
      clientIp,
    });
  }

  sessions(user: AuthenticatedUser): Promise<SessionListDto> {
    return this.rpc.send(P.AuthSessionsList, { userId: user.userId, sessionId: user.sessionId });
  }

  async revokeSession(user: AuthenticatedUser, sessionId: string): Promise<void> {
    await this.rpc.send(P.AuthSessionRevoke, { userId: user.userId, targetSessionId: sessionId });
    // This instance refuses it now; the others learn it from the broadcast.
    this.revocations.revokeLocally(sessionId);
  }

  async deleteAccount(
    user: AuthenticatedUser,
    dto: DeleteAccountDto,
    clientIp: string,
  ): Promise<DeletionAcceptedDto> {
    const accepted = await this.rpc.send(P.AuthDeletionRequest, {
      userId: user.userId,
      sealedPassword: this.sealer.seal(dto.password, SEAL_PURPOSE.password),
      clientIp,
    });
    this.revocations.revokeLocally(user.sessionId);
    const token = this.sealer.open(accepted.sealedStatusToken, SEAL_PURPOSE.deletionStatusToken);
    if (!token) throw new DomainError(ErrorCode.Internal, 'Deletion status token could not be opened');
    return {
      deletionId: accepted.deletionId,
      status: 'pending',
      statusUrl: `/v1/auth/deletions/${accepted.deletionId}?token=${token}`,
    };
  }

  myDeletion(user: AuthenticatedUser): Promise<DeletionStatusDto> {
    return this.rpc.send(P.AuthDeletionStatus, { userId: user.userId });
  }

  deletionByToken(deletionId: string, token: string): Promise<DeletionStatusDto> {
    return this.rpc.send(P.AuthDeletionStatusByToken, {
      deletionId,
      sealedStatusToken: this.sealer.seal(token, SEAL_PURPOSE.deletionStatusToken),
    });
  }
}
