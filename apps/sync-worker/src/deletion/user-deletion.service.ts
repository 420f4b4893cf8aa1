import { Injectable, Logger } from '@nestjs/common';
import { EventPattern, type UserDeletionStepEvent } from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { UserDeletionRepository } from './user-deletion.repository';

// sync-worker's step of an account deletion: everything of the user in one transaction with the confirmation to
// auth. It runs after plaid-link removed the items at Plaid, so no new sync of them can start; a sync in flight
// cannot write after it (its accounts and transactions reference the deleted items). Running it again deletes
// nothing more and confirms again.
@Injectable()
export class UserDeletionService {
  private readonly logger = new Logger(UserDeletionService.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly rows: UserDeletionRepository,
  ) {}

  async deleteUser(event: UserDeletionStepEvent): Promise<void> {
    await this.uow.run(async (tx) => {
      await this.rows.deleteAllOf(tx.manager, event.userId);
      await tx.publish(EventPattern.UserSyncDataDeleted, event);
    });
    this.logger.log({ deletionId: event.deletionId }, 'account deletion: sync data deleted');
  }
}
