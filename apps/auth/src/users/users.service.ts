import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type UserDto } from '@app/contracts';
import { type User } from './user.entity';
import { UsersRepository } from './users.repository';

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  async create(email: string, passwordHash: string): Promise<UserDto> {
    const user = await this.users.create(email, passwordHash);
    if (!user) throw new DomainError(ErrorCode.EmailTaken, 'An account with this email already exists');
    return toUserDto(user);
  }

  // With the password hash: for the login check only, never for an answer.
  findByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(email);
  }

  // With the password hash: for checks only.
  findById(userId: string): Promise<User | null> {
    return this.users.findById(userId);
  }

  async me(userId: string): Promise<UserDto> {
    const user = await this.users.findById(userId);
    if (!user) throw new DomainError(ErrorCode.NotFound, 'User not found');
    return toUserDto(user);
  }
}

export function toUserDto(user: Pick<User, 'id' | 'email' | 'createdAt'>): UserDto {
  return { id: user.id, email: user.email, createdAt: new Date(user.createdAt).toISOString() };
}
