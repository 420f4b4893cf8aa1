import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ExportProfileRequest, type ExportProfileResponse, MessagePattern as P } from '@app/contracts';
import { SessionsService } from '../sessions/sessions.service';
import { UsersService } from '../users/users.service';

// What auth holds of a user, for GET /v1/export: the profile (no password hash) and the live sessions (no token
// hashes). A handful of rows: one answer.
@Controller()
export class ExportHandler {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  @MessagePattern(P.AuthExportProfile)
  async profile(@Payload() dto: ExportProfileRequest): Promise<ExportProfileResponse> {
    const profile = await this.users.me(dto.userId);
    const { data: sessions } = await this.sessions.list(dto.userId, dto.sessionId);
    return { profile, sessions };
  }
}
