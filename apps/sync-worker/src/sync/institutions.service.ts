import { Inject, Injectable } from '@nestjs/common';
import { plaidCall } from '@app/plaid';
import { type CountryCode, PlaidApi } from 'plaid';
import { DataSource } from 'typeorm';
import { CONFIG, SyncConfig } from '../config';

// Institution names, cached in Postgres: /institutions/get_by_id has a low client-wide rate limit.
@Injectable()
export class InstitutionsService {
  constructor(
    @Inject(CONFIG) private readonly config: SyncConfig,
    private readonly db: DataSource,
    private readonly plaid: PlaidApi,
  ) {}

  async name(institutionId: string): Promise<string> {
    const cached: { name: string }[] = await this.db.query(
      `SELECT name FROM institutions WHERE institution_id = $1 AND fetched_at > now() - make_interval(secs => $2)`,
      [institutionId, this.config.INSTITUTION_CACHE_SECONDS],
    );
    if (cached.length > 0) return cached[0].name;
    const res = await plaidCall(() =>
      this.plaid.institutionsGetById({
        institution_id: institutionId,
        country_codes: this.config.PLAID_COUNTRY_CODES.split(',') as CountryCode[],
      }),
    );
    const name = res.institution.name;
    await this.db.query(
      `INSERT INTO institutions (institution_id, name) VALUES ($1, $2)
       ON CONFLICT (institution_id) DO UPDATE SET name = EXCLUDED.name, fetched_at = now()`,
      [institutionId, name],
    );
    return name;
  }
}
