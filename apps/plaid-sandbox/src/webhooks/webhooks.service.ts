import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type SandboxConfig } from '../config';
import { isoSeconds } from '../common/time';
import { type ItemRecord } from '../items/item.record';
import { WebhookKeysService } from './webhook-keys.service';

export type WebhookPayload = { webhook_type: string; webhook_code: string } & Record<string, unknown>;

export interface DeliveryAttempt {
  at: string;
  status: number | null;
  error: string | null;
  duration_ms: number;
}

export interface Delivery {
  id: number;
  item_id: string | null;
  url: string;
  webhook_type: string;
  webhook_code: string;
  body: string;
  created_at: string;
  attempts: DeliveryAttempt[];
  delivered: boolean;
  /** True once delivered or out of retries. */
  done: boolean;
}

export interface DeliveryResult {
  delivered: boolean;
  status: number | null;
}

const RECEIVER_TIMEOUT_MS = 10_000;
const MAX_LOG = 5_000;

/** Builds the body Plaid sends: common fields first, `environment: 'sandbox'`. */
export function webhookBody(
  type: string,
  code: string,
  itemId: string,
  extra: Record<string, unknown> = {},
): WebhookPayload {
  return { webhook_type: type, webhook_code: code, item_id: itemId, ...extra, environment: 'sandbox' };
}

/**
 * Delivers signed webhooks like Plaid: a 2-space indented JSON body, `Plaid-Verification` JWS over its
 * SHA-256, retries with 4x backoff when the receiver fails (short base delay in the emulator), a log of
 * every delivery.
 */
@Injectable()
export class WebhooksService implements OnModuleDestroy {
  private readonly logger = new Logger(WebhooksService.name);
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly deliveries: Delivery[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: SandboxConfig,
    private readonly keys: WebhookKeysService,
  ) {}

  /** Sends to the item's webhook (or `url`); resolves after the first attempt, retries continue behind. */
  async send(
    item: ItemRecord,
    payload: WebhookPayload,
    url: string | null = item.webhook,
  ): Promise<DeliveryResult> {
    if (!url) return { delivered: false, status: null };
    item.lastWebhook = { sentAt: isoSeconds(new Date()), code: payload.webhook_code };
    const delivery: Delivery = {
      id: this.nextId++,
      item_id: item.itemId,
      url,
      webhook_type: payload.webhook_type,
      webhook_code: payload.webhook_code,
      body: JSON.stringify(payload, null, 2),
      created_at: new Date().toISOString(),
      attempts: [],
      delivered: false,
      done: false,
    };
    this.deliveries.push(delivery);
    if (this.deliveries.length > MAX_LOG) this.deliveries.splice(0, this.deliveries.length - MAX_LOG);
    return this.attempt(delivery);
  }

  /** Fire-and-forget variant for service code paths. */
  dispatch(item: ItemRecord, payload: WebhookPayload, url?: string | null): void {
    this.send(item, payload, url).catch((err: unknown) =>
      this.logger.error({ err }, 'webhook dispatch failed'),
    );
  }

  /** Runs `fn` after `delayMs` unless the app shuts down first. */
  later(delayMs: number, fn: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) fn();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  log(itemId?: string): Delivery[] {
    return itemId ? this.deliveries.filter((d) => d.item_id === itemId) : [...this.deliveries];
  }

  reset(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.deliveries.length = 0;
    this.nextId = 1;
  }

  onModuleDestroy(): void {
    this.closed = true;
    this.reset();
  }

  private async attempt(delivery: Delivery): Promise<DeliveryResult> {
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const signature = await this.keys.sign(delivery.body);
      const res = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Plaid-Verification': signature,
          'User-Agent': 'Plaid Verifier',
        },
        body: delivery.body,
        signal: AbortSignal.timeout(RECEIVER_TIMEOUT_MS),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const delivered = status !== null && status >= 200 && status < 300;
    delivery.attempts.push({
      at: new Date(started).toISOString(),
      status,
      error,
      duration_ms: Date.now() - started,
    });
    delivery.delivered = delivered;
    const attempts = delivery.attempts.length;
    const log = { item_id: delivery.item_id, webhook_code: delivery.webhook_code, status, attempt: attempts };
    if (delivered || attempts >= this.config.webhookMaxAttempts) {
      delivery.done = true;
      if (delivered) this.logger.log(log, 'webhook delivered');
      else this.logger.warn({ ...log, error }, 'webhook delivery failed, giving up');
    } else {
      const delay = this.config.webhookRetryBaseMs * 4 ** (attempts - 1);
      this.logger.warn({ ...log, error, retry_in_ms: delay }, 'webhook delivery failed, will retry');
      this.later(delay, () => {
        this.attempt(delivery).catch((err: unknown) => this.logger.error({ err }, 'webhook retry failed'));
      });
    }
    return { delivered, status };
  }
}
