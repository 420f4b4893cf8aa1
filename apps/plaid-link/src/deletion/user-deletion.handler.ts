import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventPattern as E, UserDeletionStepEvent } from '@app/contracts';
import { EventHandler } from '@app/messaging';
import { UserDeletionService } from './user-deletion.service';

@Controller()
export class UserDeletionHandler {
  constructor(private readonly deletion: UserDeletionService) {}

  @EventHandler(E.UserDeletionRequested)
  deletionRequested(@Payload() event: UserDeletionStepEvent): Promise<void> {
    return this.deletion.deleteUser(event);
  }
}
