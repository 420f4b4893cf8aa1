import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { requestContext } from './request-context';

const VERSION = 's2';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const SECONDS = /^\d{1,12}$/;

export interface SealerOptions {
  // How long a sealed value opens after it was sealed.
  ttlSeconds?: number;
  // How far the opener's clock may lag the sealer's.
  maxClockSkewSeconds?: number;
  // Milliseconds since the epoch; tests move it.
  now?: () => number;
}

// Secrets that must cross the broker (a password on its way to auth, tokens on their way back) travel sealed:
// AES-256-GCM under a key derived from BROKER_SEALING_SECRET, which only the gateway and auth hold. The purpose,
// a context (by default the request id, which the message headers carry from the gateway to auth and back) and
// an expiry are authenticated with it, so a sealed value captured on the broker opens neither for another
// field, nor in another request, nor a minute later.
export class Sealer {
  private readonly key: Buffer;
  private readonly ttlSeconds: number;
  private readonly maxSkewSeconds: number;
  private readonly now: () => number;

  constructor(sealingSecret: string, options: SealerOptions = {}) {
    this.key = Buffer.from(hkdfSync('sha256', sealingSecret, 'plaid-backend', 'rpc-seal/v2', 32));
    this.ttlSeconds = options.ttlSeconds ?? 60;
    this.maxSkewSeconds = options.maxClockSkewSeconds ?? 30;
    this.now = options.now ?? Date.now;
  }

  seal(plaintext: string, purpose: string, context: string = currentContext()): string {
    const expiresAt = Math.floor(this.now() / 1000) + this.ttlSeconds;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(purpose, context, expiresAt));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      String(expiresAt),
      body.toString('base64url'),
    ].join('.');
  }

  // Null for anything not sealed by a holder of the same secret, for the same purpose and context, that has
  // not expired.
  open(sealed: string, purpose: string, context: string = currentContext()): string | null {
    const parts = sealed.split('.');
    if (parts.length !== 5) return null;
    const [version, ivText, tagText, expiresText, bodyText] = parts;
    if (version !== VERSION || !SECONDS.test(expiresText)) return null;
    if (![ivText, tagText, bodyText].every((p) => BASE64URL.test(p))) return null;
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    // GCM accepts tags down to 4 bytes unless told otherwise: a short tag is a forgery made cheap.
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null;
    const expiresAt = Number(expiresText);
    const nowSeconds = this.now() / 1000;
    if (expiresAt < nowSeconds || expiresAt > nowSeconds + this.ttlSeconds + this.maxSkewSeconds) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(purpose, context, expiresAt));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      return null;
    }
  }
}

// Outside a request (a script, a test) the context is empty on both sides.
function currentContext(): string {
  return requestContext.requestId() ?? '';
}

// JSON keeps the fields apart: no purpose or context can be chosen to read as another split of the same bytes.
function aad(purpose: string, context: string, expiresAt: number): Buffer {
  return Buffer.from(JSON.stringify([VERSION, purpose, context, expiresAt]));
}

export const SEAL_PURPOSE = {
  password: 'password',
  refreshToken: 'refresh-token',
  accessToken: 'access-token',
  deletionStatusToken: 'deletion-status-token',
} as const;
