import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { ExportHandler } from './export.handler';
import { ExportService } from './export.service';

// The user's profile for the data export (GET /v1/export): the account and its sessions, over RPC.
@Module({
  imports: [UsersModule, SessionsModule],
  controllers: [ExportHandler],
  providers: [ExportService],
})
export class ExportModule {}
