import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventPattern, type ItemProblemPayload, type ItemStatusValue } from '@app/contracts';
import { JobError, UnitOfWork } from '@app/messaging';
import { PlaidApiError, plaidErrorPolicy } from '@app/plaid';
import { APP_CONFIG, SyncConfig } from '../config';
import { type SyncItem, SyncItemsRepository } from '../items/sync-items.repository';
import { InstitutionBreaker } from '../plaid-limits/institution-breaker.service';
import { type PlaidPaused } from '../plaid/item-plaid.client';
import { defaultItemMessage } from '../plaid/item-problem';

// stop: the item shows the problem and the user must act, the job ends (acked); retry: another attempt later;
// give-up: dead-letter (our configuration or a token, not worth retrying); attempts-exhausted: the retries are
// used up, the item shows an error and the message is dead-lettered for a re-drive.
export type PlaidFailureOutcome = 'stop' | 'retry' | 'give-up' | 'attempts-exhausted';

export interface PlaidFailureDecision {
  // The institution is down: pause every item of it.
  tripBreaker: boolean;
  // Recorded on the item (and announced) before the outcome; null = unchanged.
  itemStatus: ItemStatusValue | null;
  outcome: PlaidFailureOutcome;
}

// What the policy does with a Plaid error on delivery `attempt` of a job allowed `maxAttempts`.
export function decidePlaidFailure(
  err: PlaidApiError,
  attempt: number,
  maxAttempts: number,
): PlaidFailureDecision {
  const policy = plaidErrorPolicy(err.errorCode, err.errorType);
  let outcome: PlaidFailureOutcome;
  if (!policy.retryable) outcome = policy.itemStatus ? 'stop' : 'give-up';
  else outcome = attempt >= maxAttempts ? 'attempts-exhausted' : 'retry';
  return {
    tripBreaker: policy.retry === 'backoff_long' && err.errorType === 'INSTITUTION_ERROR',
    itemStatus: policy.itemStatus,
    outcome,
  };
}

// The one place that decides what a Plaid failure means for a sync job: the breaker, the item's status, and
// whether the message is retried, ended or dead-lettered; and what a paused institution means for the job.
@Injectable()
export class PlaidFailurePolicy {
  private readonly logger = new Logger(PlaidFailurePolicy.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: SyncConfig,
    private readonly uow: UnitOfWork,
    private readonly items: SyncItemsRepository,
    private readonly breaker: InstitutionBreaker,
  ) {}

  // What to throw when the door to Plaid says the item's institution is paused: the message waits in a retry
  // tier and comes back, without counting an attempt.
  deferral(item: SyncItem, paused: PlaidPaused): JobError {
    return JobError.deferred(
      `institution ${item.institutionId} paused for ${paused.retryAfterSeconds}s`,
      'INSTITUTION_PAUSED',
      paused.retryAfterSeconds * 1000,
    );
  }

  // Applies the policy to what a Plaid step threw. Returns when the job should end here; throws the JobError
  // that decides the message's fate otherwise. Anything that is not a Plaid error passes through unchanged.
  async handle(item: SyncItem, err: unknown, attempt: number): Promise<void> {
    if (!(err instanceof PlaidApiError)) throw err;
    const maxAttempts = this.config.EVENT_MAX_ATTEMPTS;
    const decision = decidePlaidFailure(err, attempt, maxAttempts);
    if (decision.tripBreaker) await this.breaker.trip(item.institutionId, err.errorCode);
    if (decision.itemStatus) await this.recordItemError(item, err, decision.itemStatus);
    const reason = `${err.errorType}/${err.errorCode}`;
    switch (decision.outcome) {
      case 'stop':
        return;
      case 'retry':
        throw JobError.retryable(reason, err.errorCode);
      case 'give-up':
        throw JobError.permanent(reason, err.errorCode);
      case 'attempts-exhausted':
        // The item shows the failure; the message goes to the dead-letter queue for a re-drive.
        await this.recordItemError(item, err, 'error');
        throw JobError.permanent(`${reason} after ${maxAttempts} attempts`, err.errorCode);
    }
  }

  private async recordItemError(
    item: SyncItem,
    err: PlaidApiError,
    status: ItemProblemPayload['status'],
  ): Promise<void> {
    await this.uow.run((tx) =>
      tx.publish(EventPattern.ItemErrorRecorded, {
        itemId: item.itemId,
        error: {
          code: err.errorCode,
          message: err.displayMessage ?? defaultItemMessage(err.errorCode),
          status,
        },
        recordedAt: new Date().toISOString(),
      }),
    );
    await this.items.recordError(item.itemId, err.errorCode);
    this.logger.warn({ itemId: item.itemId, errorCode: err.errorCode, status }, 'item error recorded');
  }
}
