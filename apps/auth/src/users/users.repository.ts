import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, type Repository } from 'typeorm';
import { User } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  // Returns null when the email is taken (the unique constraint decides, not a racy pre-check).
  async create(email: string, passwordHash: string): Promise<User | null> {
    const rows = await this.users.query<Pick<User, 'id' | 'email' | 'createdAt'>[]>(
      `INSERT INTO users (email, password_hash) VALUES ($1, $2)
       ON CONFLICT (email) WHERE deleting_at IS NULL DO NOTHING
       RETURNING id, email, created_at AS "createdAt"`,
      [email, passwordHash],
    );
    return rows[0] ? { ...rows[0], passwordHash, deletingAt: null } : null;
  }

  // A user being deleted is nobody: login and "me" answer as for an unknown user.
  findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ where: { email, deletingAt: IsNull() } });
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id, deletingAt: IsNull() } });
  }

  // The user's email even while it is being deleted (to clear what is keyed by it).
  async emailOf(id: string): Promise<string | null> {
    const rows = await this.users.query<{ email: string }[]>(`SELECT email FROM users WHERE id = $1`, [id]);
    return rows[0]?.email ?? null;
  }

  async setPasswordHash(em: EntityManager, id: string, passwordHash: string): Promise<void> {
    await em.query(`UPDATE users SET password_hash = $2 WHERE id = $1 AND deleting_at IS NULL`, [
      id,
      passwordHash,
    ]);
  }

  // Takes the user out of login (and frees its email) once; false when it was already being deleted or is gone.
  async markDeleting(em: EntityManager, id: string): Promise<boolean> {
    // UPDATE … RETURNING through TypeORM answers [rows, affected].
    const [, marked] = await em.query<[unknown[], number]>(
      `UPDATE users SET deleting_at = now() WHERE id = $1 AND deleting_at IS NULL RETURNING id`,
      [id],
    );
    return marked > 0;
  }
}
