import { IsUUID } from 'class-validator';

// One step of an account deletion (auth orchestrates): auth → plaid-link (remove items at Plaid, delete link
// rows), plaid-link → auth (done), auth → sync-worker (delete everything of the user), sync-worker → auth (done).
export class UserDeletionStepEvent {
  @IsUUID()
  deletionId: string;

  @IsUUID()
  userId: string;
}
