import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EventPattern as E, UserDeletionStepEvent } from '@app/contracts';
import { UserDeletionService } from './user-deletion.service';

@Controller()
export class UserDeletionHandler {
  constructor(private readonly deletion: UserDeletionService) {}

  @EventPattern(E.UserDeletionRequested)
  deletionRequested(@Payload() event: UserDeletionStepEvent): Promise<void> {
    return this.deletion.deleteUser(event);
  }
}
