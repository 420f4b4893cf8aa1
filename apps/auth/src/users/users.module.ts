import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from './user.entity';
import { UsersHandler } from './users.handler';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

// Accounts: creation (the email's uniqueness decided by the database), lookup, and "me".
@Module({
  imports: [TypeOrmModule.forFeature([User])],
  controllers: [UsersHandler],
  providers: [UsersRepository, UsersService],
  exports: [UsersService, UsersRepository],
})
export class UsersModule {}
