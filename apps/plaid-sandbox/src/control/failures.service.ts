import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isPlaidErrorType, PlaidApiError } from '../common/plaid-error';
import { type JsonObject, optionalInt, optionalString, requiredString } from '../common/request-fields';

export interface FailureRule {
  id: string;
  endpoint: string;
  item_id: string | null;
  http_status: number | null;
  error_type: string | null;
  error_code: string | null;
  /** Remaining applications; null = unlimited. */
  times: number | null;
  delay_ms: number;
  hits: number;
}

/** Injected failures and slow answers for chosen endpoints and Items (control API). */
@Injectable()
export class FailuresService {
  private readonly rules: FailureRule[] = [];

  add(body: JsonObject): { id: string } {
    const endpoint = requiredString(body, 'endpoint');
    if (!endpoint.startsWith('/'))
      throw PlaidApiError.invalidField('endpoint must be a path such as /transactions/sync');
    const errorType = optionalString(body, 'error_type') ?? null;
    if (errorType !== null && !isPlaidErrorType(errorType))
      throw PlaidApiError.invalidField(`error_type ${errorType} is not a Plaid error type`);
    const rule: FailureRule = {
      id: randomUUID(),
      endpoint,
      item_id: optionalString(body, 'item_id') ?? null,
      http_status: optionalInt(body, 'http_status', 100, 599) ?? null,
      error_type: errorType,
      error_code: optionalString(body, 'error_code') ?? null,
      times: optionalInt(body, 'times', 1, Number.MAX_SAFE_INTEGER) ?? null,
      delay_ms: optionalInt(body, 'delay_ms', 0, 600_000) ?? 0,
      hits: 0,
    };
    this.rules.push(rule);
    return { id: rule.id };
  }

  list(): FailureRule[] {
    return [...this.rules];
  }

  remove(id: string): { removed: boolean } {
    const i = this.rules.findIndex((r) => r.id === id);
    if (i < 0) throw PlaidApiError.of('NOT_FOUND', `no failure rule ${id}`);
    this.rules.splice(i, 1);
    return { removed: true };
  }

  clear(): { removed: number } {
    const removed = this.rules.length;
    this.rules.length = 0;
    return { removed };
  }

  /** Called before a Plaid handler: waits `delay_ms`, then throws the rule's error if it has one. */
  async apply(endpoint: string, itemId: string | null): Promise<void> {
    const rule = this.rules.find(
      (r) =>
        r.endpoint === endpoint &&
        (r.item_id === null || r.item_id === itemId) &&
        (r.times === null || r.times > 0),
    );
    if (!rule) return;
    rule.hits++;
    if (rule.times !== null) rule.times--;
    if (rule.delay_ms > 0) await sleep(rule.delay_ms, undefined, { ref: false });
    const error = this.errorFor(rule);
    if (error) throw error;
  }

  private errorFor(rule: FailureRule): PlaidApiError | null {
    if (rule.error_code === null && rule.http_status === null && rule.error_type === null) return null;
    const code = rule.error_code ?? this.defaultCode(rule);
    return PlaidApiError.of(code, undefined, {
      status: rule.http_status ?? undefined,
      type: rule.error_type !== null && isPlaidErrorType(rule.error_type) ? rule.error_type : undefined,
    });
  }

  private defaultCode(rule: FailureRule): string {
    switch (rule.http_status) {
      case 429:
        return rule.endpoint === '/transactions/sync' ? 'TRANSACTIONS_SYNC_LIMIT' : 'RATE_LIMIT';
      case 503:
        return 'PLANNED_MAINTENANCE';
      case 404:
        return 'NOT_FOUND';
      case 400:
        return 'INVALID_FIELD';
      case null:
      default:
        return 'INTERNAL_SERVER_ERROR';
    }
  }
}
