import { Inject, Injectable } from '@nestjs/common';
import { plaidCall } from '@app/plaid';
import { type CountryCode, PlaidApi } from 'plaid';
import { APP_CONFIG, SyncConfig } from '../config';
import { InstitutionsRepository } from './institutions.repository';

// Institution names, cached in Postgres: /institutions/get_by_id has a low client-wide rate limit.
@Injectable()
export class InstitutionNamesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: SyncConfig,
    private readonly institutions: InstitutionsRepository,
    private readonly plaid: PlaidApi,
  ) {}

  async name(institutionId: string): Promise<string> {
    const cached = await this.institutions.findFreshName(
      institutionId,
      this.config.INSTITUTION_CACHE_SECONDS,
    );
    if (cached !== null) return cached;
    const res = await plaidCall(() =>
      this.plaid.institutionsGetById({
        institution_id: institutionId,
        country_codes: this.config.PLAID_COUNTRY_CODES.split(',') as CountryCode[],
      }),
    );
    const name = res.institution.name;
    await this.institutions.saveName(institutionId, name);
    return name;
  }
}
