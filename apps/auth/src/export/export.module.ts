import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { ExportHandler } from './export.handler';

@Module({
  imports: [UsersModule, SessionsModule],
  controllers: [ExportHandler],
})
export class ExportModule {}
