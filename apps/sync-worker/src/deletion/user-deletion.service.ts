import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventPattern, type UserDeletionStepEvent } from '@app/contracts';
import { enqueueEvent, OutboxRelay } from '@app/messaging';
import { DataSource } from 'typeorm';
import { CONFIG, SyncConfig } from '../config';
import { UserDeletionRepository } from './user-deletion.repository';

// sync-worker's step of an account deletion: everything of the user in one transaction with the confirmation to
// auth. It runs after plaid-link removed the items at Plaid, so no new sync of them can start; a sync in flight
// cannot write after it (its accounts and transactions reference the deleted items). Running it again deletes
// nothing more and confirms again.
@Injectable()
export class UserDeletionService {
  private readonly logger = new Logger(UserDeletionService.name);

  constructor(
    @Inject(CONFIG) private readonly config: SyncConfig,
    private readonly db: DataSource,
    private readonly rows: UserDeletionRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async deleteUser(event: UserDeletionStepEvent): Promise<void> {
    await this.db.transaction(async (em) => {
      await this.rows.deleteAllOf(em, event.userId);
      await enqueueEvent(em, this.config.QUEUE_PREFIX, EventPattern.UserSyncDataDeleted, event);
    });
    this.relay.kick();
    this.logger.log({ deletionId: event.deletionId }, 'account deletion: sync data deleted');
  }
}
