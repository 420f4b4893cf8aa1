import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SEAL_PURPOSE, Sealer } from '@app/common';
import {
  type DeletionStatusDto,
  DomainError,
  ErrorCode,
  EventPattern,
  type SealedDeletionAccepted,
  type SealedDeletionRequest,
  type UserDeletionStepEvent,
} from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { AuthService } from '../auth/auth.service';
import { APP_CONFIG, AuthConfig } from '../config';
import { SessionsService } from '../sessions/sessions.service';
import { UsersRepository } from '../users/users.repository';
import { type DeletionRow, DeletionsRepository } from './deletions.repository';

const hash = (text: string): Buffer => createHash('sha256').update(text).digest();
// Who a deletion was for, without the id: the deleted user's unexpired access token can still read its outcome.
const subjectHash = (userId: string): Buffer => hash(`deletion-subject:${userId}`);

// Account deletion, orchestrated here: accept (sessions revoked, login closed, email free, in one transaction
// with the first event), then plaid-link removes the items at Plaid and its rows, then sync-worker deletes the
// user's data, then auth deletes the user. Each step is an event through an outbox; each confirmation moves the
// saga with a compare-and-set, so redeliveries and re-drives do nothing twice.
@Injectable()
export class DeletionsService {
  private readonly logger = new Logger(DeletionsService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AuthConfig,
    private readonly uow: UnitOfWork,
    private readonly deletions: DeletionsRepository,
    private readonly users: UsersRepository,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly sealer: Sealer,
  ) {}

  async request(dto: SealedDeletionRequest): Promise<SealedDeletionAccepted> {
    const user = await this.auth.checkOwnPassword(dto.userId, dto.sealedPassword, dto.clientIp);
    const statusToken = randomBytes(32).toString('base64url');
    const deletionId = await this.uow.run(async (tx) => {
      if (!(await this.users.markDeleting(tx.manager, user.id)))
        throw new DomainError(ErrorCode.Unauthorized, 'Not signed in');
      const revoked = await this.sessions.revokeAllInTransaction(tx, user.id, 'account_deleted', null);
      const id = await this.deletions.create(
        tx.manager,
        user.id,
        subjectHash(user.id),
        hash(statusToken),
        revoked,
      );
      await tx.publish(EventPattern.UserDeletionRequested, { deletionId: id, userId: user.id });
      return id;
    });
    this.logger.log({ userId: user.id, deletionId }, 'account deletion accepted');
    return {
      deletionId,
      sealedStatusToken: this.sealer.seal(statusToken, SEAL_PURPOSE.deletionStatusToken),
    };
  }

  // plaid-link has removed the items at Plaid and its rows: sync-worker's turn.
  async onLinkDeleted(event: UserDeletionStepEvent): Promise<void> {
    const moved = await this.uow.run(async (tx) => {
      if (
        !(await this.deletions.advance(
          tx.manager,
          event.deletionId,
          event.userId,
          'removing_items',
          'deleting_data',
        ))
      )
        return false;
      await tx.publish(EventPattern.UserSyncDeletionRequested, event);
      return true;
    });
    this.logger.log({ deletionId: event.deletionId, moved }, 'deletion: plaid-link confirmed');
  }

  // Every service has confirmed: the user goes last, with everything auth holds of it.
  async onSyncDeleted(event: UserDeletionStepEvent): Promise<void> {
    const email = await this.users.emailOf(event.userId);
    const done = await this.uow.run(async (tx) => {
      if (!(await this.deletions.complete(tx.manager, event.deletionId, event.userId))) return false;
      await this.deletions.runRegistry(tx.manager, { userId: event.userId, email });
      return true;
    });
    this.logger.log(
      { deletionId: event.deletionId, done },
      'deletion: sync-worker confirmed; account deleted',
    );
  }

  async statusForUser(userId: string): Promise<DeletionStatusDto> {
    return toStatus(await this.deletions.findLatestBySubject(subjectHash(userId)));
  }

  async statusByToken(deletionId: string, sealedStatusToken: string): Promise<DeletionStatusDto> {
    const token = this.sealer.open(sealedStatusToken, SEAL_PURPOSE.deletionStatusToken);
    const row = await this.deletions.findById(deletionId);
    if (!token || !row || !timingSafeEqual(row.statusTokenHash, hash(token))) return toStatus(null);
    return toStatus(row);
  }

  // Sends the current step's event again for deletions stuck past DELETION_REDRIVE_SECONDS.
  async redriveStalled(): Promise<number> {
    const stalled = await this.deletions.claimStalled(this.config.DELETION_REDRIVE_SECONDS, 100);
    if (stalled.length === 0) return 0;
    await this.uow.run(async (tx) => {
      for (const d of stalled) {
        const pattern =
          d.state === 'removing_items'
            ? EventPattern.UserDeletionRequested
            : EventPattern.UserSyncDeletionRequested;
        await tx.publish(pattern, { deletionId: d.id, userId: d.userId });
      }
    });
    this.logger.warn({ count: stalled.length }, 'stalled account deletions re-driven');
    return stalled.length;
  }
}

function toStatus(row: DeletionRow | null): DeletionStatusDto {
  if (!row) throw new DomainError(ErrorCode.NotFound, 'Deletion not found');
  return {
    deletionId: row.id,
    status: row.state === 'completed' ? 'completed' : 'pending',
    step: row.state,
    requestedAt: new Date(row.requestedAt).toISOString(),
    completedAt: row.completedAt ? new Date(row.completedAt).toISOString() : null,
  };
}
