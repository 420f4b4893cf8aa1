import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONFIG, SyncConfig } from '../config';

// Institutions Plaid reports as down pause the syncs of all their items for a while, instead of every item
// burning its retries against the same outage.
@Injectable()
export class InstitutionBreaker {
  private readonly logger = new Logger(InstitutionBreaker.name);

  constructor(
    @Inject(CONFIG) private readonly config: SyncConfig,
    private readonly db: DataSource,
  ) {}

  // Seconds until the institution may be called again; 0 when it is not paused.
  async pausedFor(institutionId: string | null): Promise<number> {
    if (!institutionId) return 0;
    const rows = await this.db.query<{ seconds: number }[]>(
      `SELECT ceil(extract(epoch FROM paused_until - now()))::int AS seconds
         FROM institutions WHERE institution_id = $1 AND paused_until > now()`,
      [institutionId],
    );
    return rows[0]?.seconds ?? 0;
  }

  async trip(institutionId: string | null, errorCode: string): Promise<void> {
    if (!institutionId) return;
    await this.db.query(
      `INSERT INTO institutions (institution_id, name, fetched_at, paused_until)
       VALUES ($1, $1, 'epoch', now() + make_interval(secs => $2))
       ON CONFLICT (institution_id) DO UPDATE SET paused_until = EXCLUDED.paused_until`,
      [institutionId, this.config.INSTITUTION_PAUSE_SECONDS],
    );
    this.logger.warn(
      { institutionId, errorCode, seconds: this.config.INSTITUTION_PAUSE_SECONDS },
      'institution paused',
    );
  }
}
