import { Module } from '@nestjs/common';
import { ItemsModule } from '../items/items.module';
import { OutboxModule } from '../outbox/outbox.module';
import { PlaidItemsModule } from '../plaid-items/plaid-items.module';
import { UserDeletionHandler } from './user-deletion.handler';
import { UserDeletionRepository } from './user-deletion.repository';
import { UserDeletionService } from './user-deletion.service';

// plaid-link's step of an account deletion (see docs/architecture.md "Account deletion").
@Module({
  imports: [ItemsModule, PlaidItemsModule, OutboxModule],
  controllers: [UserDeletionHandler],
  providers: [UserDeletionService, UserDeletionRepository],
})
export class UserDeletionModule {}
