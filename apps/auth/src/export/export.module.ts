import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { ExportHandler } from './export.handler';
import { ExportService } from './export.service';

@Module({
  imports: [UsersModule, SessionsModule],
  controllers: [ExportHandler],
  providers: [ExportService],
})
export class ExportModule {}
