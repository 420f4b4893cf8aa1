import { createHash, type KeyObject, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, MessagePattern } from '@app/contracts';
import { APP_CONFIG, GatewayConfig } from '../config';
import { Rpc } from '../rpc/rpc';
import { decodeJwt, type DecodedJwt, importEs256Key, JwtRejected, verifyEs256 } from './es256-jwt';

const MAX_AGE_SECONDS = 5 * 60;
// A key that may still be rotated out is re-read after a minute: rotation must take effect on every gateway
// instance promptly, not when a webhook signed with the new key happens to reach it. Keys that already carry
// an expiry cannot change again.
const EXPIRED_KEY_TTL_MS = 60 * 60 * 1000;
const UNKNOWN_KID_TTL_MS = 60 * 1000;
// Plaid's key ids are UUIDs (the emulator's too); hex with dashes covers them. Anything else is refused before
// it costs a look-up.
const KID_FORMAT = /^[0-9a-f][0-9a-f-]{7,63}$/i;
// Two bounded caches: keys Plaid returned, and kids it did not know. Junk kids only ever land in the second, so
// a flood of them cannot push out a key that verifies Plaid's webhooks.
const MAX_KNOWN_KIDS = 100;
const MAX_UNKNOWN_KIDS = 1000;
// The look-up budget refills at WEBHOOK_KEY_LOOKUPS_PER_SECOND and holds this many seconds' worth, so that a
// rotation's new kid is fetched at once unless junk kids have just used the budget up.
const LOOKUP_BURST_SECONDS = 5;

interface CachedKey {
  key: KeyObject | null;
  expiredAt: number | null;
  fetchedAt: number;
}

export class WebhookRejected extends DomainError {
  constructor(readonly reason: string) {
    super(ErrorCode.Unauthorized, 'Webhook verification failed');
  }
}

// Verifies Plaid's webhook signature (REFERENCE §4): ES256 only, key by kid (fetched through plaid-link, which
// holds the Plaid credentials; cached here, the key is public), iat at most 5 minutes old, SHA-256 of the raw
// body equal to the signed claim, compared in constant time.
@Injectable()
export class WebhookVerifier {
  private readonly logger = new Logger(WebhookVerifier.name);
  private readonly known = new Map<string, CachedKey>();
  private readonly unknown = new Map<string, CachedKey>();
  private readonly inflight = new Map<string, Promise<CachedKey>>();
  private readonly lookups: TokenBucket;

  constructor(
    private readonly rpc: Rpc,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {
    const rate = config.WEBHOOK_KEY_LOOKUPS_PER_SECOND;
    this.lookups = new TokenBucket(rate, rate * LOOKUP_BURST_SECONDS);
  }

  async verify(rawBody: Buffer | undefined, header: string | string[] | undefined): Promise<void> {
    if (!rawBody || rawBody.length === 0) throw new WebhookRejected('empty body');
    if (typeof header !== 'string' || header.length === 0)
      throw new WebhookRejected('missing Plaid-Verification');
    let jwt: DecodedJwt;
    try {
      jwt = decodeJwt(header);
    } catch {
      throw new WebhookRejected('malformed JWT');
    }
    if (jwt.header.alg !== 'ES256') throw new WebhookRejected(`algorithm ${String(jwt.header.alg)} refused`);
    const kid = jwt.header.kid;
    if (typeof kid !== 'string' || kid.length === 0) throw new WebhookRejected('missing kid');
    if (!KID_FORMAT.test(kid)) throw new WebhookRejected('malformed kid');

    const cached = await this.key(kid);
    if (!cached.key) throw new WebhookRejected(`unknown kid ${kid}`);
    if (cached.expiredAt !== null && cached.expiredAt * 1000 <= Date.now())
      throw new WebhookRejected(`expired key ${kid}`);

    try {
      verifyEs256(jwt, cached.key, { maxAgeSeconds: MAX_AGE_SECONDS, clockToleranceSeconds: 5 });
    } catch (err) {
      if (err instanceof JwtRejected) throw new WebhookRejected(`signature or age: ${err.message}`);
      throw err;
    }
    const payload = jwt.payload;
    const claimed = payload.request_body_sha256;
    if (typeof claimed !== 'string' || !/^[0-9a-f]{64}$/i.test(claimed))
      throw new WebhookRejected('missing body hash');
    const actual = createHash('sha256').update(rawBody).digest();
    if (!timingSafeEqual(actual, Buffer.from(claimed, 'hex')))
      throw new WebhookRejected('body hash mismatch');
  }

  private async key(kid: string): Promise<CachedKey> {
    const known = this.known.get(kid);
    if (known) {
      const ttl =
        known.expiredAt === null ? this.config.WEBHOOK_KEY_CACHE_SECONDS * 1000 : EXPIRED_KEY_TTL_MS;
      if (Date.now() - known.fetchedAt < ttl) return known;
    } else {
      const unknown = this.unknown.get(kid);
      if (unknown && Date.now() - unknown.fetchedAt < UNKNOWN_KID_TTL_MS) return unknown;
    }
    const pending = this.inflight.get(kid);
    if (pending) return pending;
    // Re-reading a key Plaid gave us is bounded by the cache; a kid we have not seen costs from the budget.
    if (!known && !this.lookups.take())
      throw new WebhookRejected(`unknown kid ${kid}: look-up budget used up`);
    const fetching = this.fetch(kid).finally(() => this.inflight.delete(kid));
    this.inflight.set(kid, fetching);
    return fetching;
  }

  private async fetch(kid: string): Promise<CachedKey> {
    // An unreachable key service is our outage, not a forged webhook: 503 lets Plaid retry.
    const { key } = await this.rpc.send(MessagePattern.WebhookKeyGet, { kid });
    const entry: CachedKey = { key: null, expiredAt: null, fetchedAt: Date.now() };
    if (key) {
      try {
        entry.key = importEs256Key(key);
      } catch (err) {
        // Not a P-256 key: nothing it signed can be verified, so it counts as unknown.
        this.logger.warn({ kid, err: (err as Error).message }, 'webhook key refused');
      }
      entry.expiredAt = key.expired_at;
    }
    if (entry.key) {
      // A new kid means a rotation: re-read the others soon, one of them may now carry an expiry.
      if (!this.known.has(kid)) for (const other of this.known.values()) other.fetchedAt = 0;
      this.unknown.delete(kid);
      remember(this.known, kid, entry, MAX_KNOWN_KIDS);
    } else {
      this.known.delete(kid);
      remember(this.unknown, kid, entry, MAX_UNKNOWN_KIDS);
    }
    this.logger.log({ kid, found: Boolean(key), expiredAt: entry.expiredAt }, 'webhook key fetched');
    return entry;
  }
}

// Insertion order is age: the oldest entry goes when the map is full.
function remember(cache: Map<string, CachedKey>, kid: string, entry: CachedKey, max: number): void {
  cache.delete(kid);
  if (cache.size >= max) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(kid, entry);
}

// `perSecond` tokens a second, at most `capacity` saved up.
class TokenBucket {
  private tokens: number;
  private refilledAt = Date.now();

  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
  ) {
    this.tokens = capacity;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
