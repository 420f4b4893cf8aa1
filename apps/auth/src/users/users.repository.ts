import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { User } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  // Returns null when the email is taken (the unique constraint decides, not a racy pre-check).
  async create(email: string, passwordHash: string): Promise<User | null> {
    const rows = await this.users.query<Pick<User, 'id' | 'email' | 'createdAt'>[]>(
      `INSERT INTO users (email, password_hash) VALUES ($1, $2)
       ON CONFLICT (email) DO NOTHING
       RETURNING id, email, created_at AS "createdAt"`,
      [email, passwordHash],
    );
    return rows[0] ? { ...rows[0], passwordHash } : null;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ where: { email } });
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }
}
