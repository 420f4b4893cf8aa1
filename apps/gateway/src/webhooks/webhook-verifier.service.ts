import { createHash, type KeyObject, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, MessagePattern } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { RpcClients } from '../rpc/rpc-clients';
import { decodeJwt, type DecodedJwt, importEs256Key, JwtRejected, verifyEs256 } from './es256-jwt';

const MAX_AGE_SECONDS = 5 * 60;
// A key that may still be rotated out is re-read after a minute: rotation must take effect on every gateway
// instance promptly, not when a webhook signed with the new key happens to reach it. Keys that already carry
// an expiry cannot change again.
const EXPIRED_KEY_TTL_MS = 60 * 60 * 1000;
const UNKNOWN_KID_TTL_MS = 60 * 1000;
// Unsigned junk with made-up kids must not grow the cache without bound.
const MAX_CACHED_KIDS = 1000;

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
  private readonly keys = new Map<string, CachedKey>();
  private readonly inflight = new Map<string, Promise<CachedKey>>();

  constructor(
    private readonly rpc: RpcClients,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

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
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > 128)
      throw new WebhookRejected('missing kid');

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
    const cached = this.keys.get(kid);
    const liveTtl = this.config.WEBHOOK_KEY_CACHE_SECONDS * 1000;
    const ttl = !cached?.key ? UNKNOWN_KID_TTL_MS : cached.expiredAt === null ? liveTtl : EXPIRED_KEY_TTL_MS;
    if (cached && Date.now() - cached.fetchedAt < ttl) return cached;
    const pending = this.inflight.get(kid);
    if (pending) return pending;
    const fetching = this.fetch(kid).finally(() => this.inflight.delete(kid));
    this.inflight.set(kid, fetching);
    return fetching;
  }

  private async fetch(kid: string): Promise<CachedKey> {
    // An unreachable key service is our outage, not a forged webhook: 503 lets Plaid retry.
    const { key } = await this.rpc.link.send(MessagePattern.WebhookKeyGet, { kid });
    const entry: CachedKey = { key: null, expiredAt: null, fetchedAt: Date.now() };
    if (key) {
      try {
        entry.key = importEs256Key(key);
      } catch (err) {
        // Not a P-256 key: nothing it signed can be verified, so it counts as unknown.
        this.logger.warn({ kid, err: (err as Error).message }, 'webhook key refused');
      }
      entry.expiredAt = key.expired_at;
      // A new kid means a rotation: re-read the others soon, one of them may now carry an expiry.
      for (const [otherKid, other] of this.keys) if (otherKid !== kid) other.fetchedAt = 0;
    }
    if (this.keys.size >= MAX_CACHED_KIDS && !this.keys.has(kid)) {
      const oldest = this.keys.keys().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    this.keys.set(kid, entry);
    this.logger.log({ kid, found: Boolean(key), expiredAt: entry.expiredAt }, 'webhook key fetched');
    return entry;
  }
}
