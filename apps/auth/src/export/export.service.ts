import { Injectable } from '@nestjs/common';
import { type ExportProfileResponse } from '@app/contracts';
import { SessionsService } from '../sessions/sessions.service';
import { UsersService } from '../users/users.service';

// What auth holds of a user, for GET /v1/export: the profile (no password hash) and the live sessions (no token
// hashes). A handful of rows: one answer.
@Injectable()
export class ExportService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  async profile(userId: string, currentSessionId: string): Promise<ExportProfileResponse> {
    const profile = await this.users.me(userId);
    const { data: sessions } = await this.sessions.list(userId, currentSessionId);
    return { profile, sessions };
  }
}
