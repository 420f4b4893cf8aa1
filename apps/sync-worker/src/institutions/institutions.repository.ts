import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

// sync.institutions: the name cache (name + fetched_at, both null until a name was fetched) and the breaker's
// pause (paused_until). The two never write each other's columns.
@Injectable()
export class InstitutionsRepository {
  constructor(private readonly db: DataSource) {}

  // The cached name when it was fetched less than `maxAgeSeconds` ago.
  async findFreshName(institutionId: string, maxAgeSeconds: number): Promise<string | null> {
    const rows = await this.db.query<{ name: string }[]>(
      `SELECT name FROM institutions
        WHERE institution_id = $1 AND name IS NOT NULL AND fetched_at > now() - make_interval(secs => $2)`,
      [institutionId, maxAgeSeconds],
    );
    return rows[0]?.name ?? null;
  }

  async saveName(institutionId: string, name: string): Promise<void> {
    await this.db.query<unknown>(
      `INSERT INTO institutions (institution_id, name, fetched_at) VALUES ($1, $2, now())
       ON CONFLICT (institution_id) DO UPDATE SET name = EXCLUDED.name, fetched_at = EXCLUDED.fetched_at`,
      [institutionId, name],
    );
  }

  // Seconds until the institution may be called again; 0 when it is not paused.
  async pausedForSeconds(institutionId: string): Promise<number> {
    const rows = await this.db.query<{ seconds: number }[]>(
      `SELECT ceil(extract(epoch FROM paused_until - now()))::int AS seconds
         FROM institutions WHERE institution_id = $1 AND paused_until > now()`,
      [institutionId],
    );
    return rows[0]?.seconds ?? 0;
  }

  // Leaves the name cache alone: an institution first seen here has no name (null), not a placeholder.
  async pause(institutionId: string, seconds: number): Promise<void> {
    await this.db.query<unknown>(
      `INSERT INTO institutions (institution_id, paused_until) VALUES ($1, now() + make_interval(secs => $2))
       ON CONFLICT (institution_id) DO UPDATE SET paused_until = EXCLUDED.paused_until`,
      [institutionId, seconds],
    );
  }
}
