import { Injectable, Logger } from '@nestjs/common';
import { EventPattern, type UserDeletionStepEvent } from '@app/contracts';
import { JobError, UnitOfWork } from '@app/messaging';
import { ItemsRepository } from '../items/items.repository';
import { PlaidItemsService } from '../plaid-items/plaid-items.service';
import { UserDeletionRepository } from './user-deletion.repository';

// plaid-link's step of an account deletion: every item of the user removed at Plaid (which stops billing), then
// every link row of the user in one transaction with the confirmation to auth. Safe to run again from the start
// at any point (a crash between two removals, a redelivery): an item Plaid already forgot counts as removed.
@Injectable()
export class UserDeletionService {
  private readonly logger = new Logger(UserDeletionService.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly items: ItemsRepository,
    private readonly plaidItems: PlaidItemsService,
    private readonly rows: UserDeletionRepository,
  ) {}

  async deleteUser(event: UserDeletionStepEvent): Promise<void> {
    const items = await this.items.listForUser(event.userId);
    // One at a time: a user has a handful of items, and Plaid's rate limits are per client.
    for (const item of items) {
      try {
        await this.plaidItems.removeAtPlaid(this.plaidItems.accessToken(item), item.plaidItemId);
      } catch (err) {
        // Whatever Plaid answers, the item must go: the message comes back through the retry tiers, and auth
        // re-drives a deletion that dead-lettered (DELETION_REDRIVE_SECONDS).
        this.logger.warn(
          { deletionId: event.deletionId, itemId: item.id, err: (err as Error).message },
          'item removal at Plaid failed during an account deletion; will retry',
        );
        throw JobError.retryable('item removal at Plaid failed', 'DELETION_ITEM_REMOVE_FAILED');
      }
      this.logger.log({ deletionId: event.deletionId, itemId: item.id }, 'item removed at Plaid (deletion)');
    }
    await this.uow.run(async (tx) => {
      await this.rows.deleteAllOf(tx.manager, event.userId);
      await tx.publish(EventPattern.UserLinkDataDeleted, event);
    });
    this.logger.log(
      { deletionId: event.deletionId, items: items.length },
      'account deletion: link data deleted',
    );
  }
}
