import { Module } from '@nestjs/common';
import { UserDeletionHandler } from './user-deletion.handler';
import { UserDeletionRepository } from './user-deletion.repository';
import { UserDeletionService } from './user-deletion.service';

// sync-worker's step of an account deletion (see docs/architecture.md "Account deletion").
@Module({
  controllers: [UserDeletionHandler],
  providers: [UserDeletionService, UserDeletionRepository],
})
export class UserDeletionModule {}
