import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, SyncConfig } from '../config';
import { InstitutionsRepository } from '../institutions/institutions.repository';

// Institutions Plaid reports as down pause the syncs of all their items for a while, instead of every item
// burning its retries against the same outage.
@Injectable()
export class InstitutionBreaker {
  private readonly logger = new Logger(InstitutionBreaker.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: SyncConfig,
    private readonly institutions: InstitutionsRepository,
  ) {}

  // Seconds until the institution may be called again; 0 when it is not paused.
  async pausedFor(institutionId: string | null): Promise<number> {
    if (!institutionId) return 0;
    return this.institutions.pausedForSeconds(institutionId);
  }

  async trip(institutionId: string | null, errorCode: string): Promise<void> {
    if (!institutionId) return;
    const seconds = this.config.INSTITUTION_PAUSE_SECONDS;
    await this.institutions.pause(institutionId, seconds);
    this.logger.warn({ institutionId, errorCode, seconds }, 'institution paused');
  }
}
