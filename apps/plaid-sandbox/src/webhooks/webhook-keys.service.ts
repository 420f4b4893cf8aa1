import { Injectable, type OnModuleInit } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { type JWKPublicKey } from 'plaid';
import { PlaidApiError } from '../common/plaid-error';

interface SigningKey {
  privateKey: CryptoKey;
  publicJwk: JWKPublicKey;
}

export function sha256Hex(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/**
 * ES256 (P-256) keys for the `Plaid-Verification` header. Keys are generated at start. Rotation follows
 * Plaid: the new key signs from then on; the old one stays retrievable by kid but gets `expired_at`.
 */
@Injectable()
export class WebhookKeysService implements OnModuleInit {
  private readonly keys = new Map<string, SigningKey>();
  private currentKid = '';

  async onModuleInit(): Promise<void> {
    await this.rotate();
  }

  /** The public JWK for a kid, as `/webhook_verification_key/get` returns it. */
  publicKey(kid: string): JWKPublicKey {
    const key = this.keys.get(kid);
    if (!key) throw PlaidApiError.of('INVALID_WEBHOOK_VERIFICATION_KEY_ID');
    return key.publicJwk;
  }

  get currentKeyId(): string {
    return this.currentKid;
  }

  async rotate(): Promise<JWKPublicKey> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const kid = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const previous = this.keys.get(this.currentKid);
    if (previous) previous.publicJwk.expired_at = now;
    const publicJwk: JWKPublicKey = {
      alg: 'ES256',
      crv: jwk.crv ?? 'P-256',
      kid,
      kty: jwk.kty ?? 'EC',
      use: 'sig',
      x: jwk.x ?? '',
      y: jwk.y ?? '',
      created_at: now,
      expired_at: null,
    };
    this.keys.set(kid, { privateKey, publicJwk });
    this.currentKid = kid;
    return publicJwk;
  }

  /** A compact JWS over `{iat, request_body_sha256}` for the exact body bytes. */
  async sign(body: string, options: { iat?: number; kid?: string } = {}): Promise<string> {
    const kid = options.kid ?? this.currentKid;
    const key = this.keys.get(kid);
    if (!key) throw PlaidApiError.of('INVALID_WEBHOOK_VERIFICATION_KEY_ID', `unknown kid: ${kid}`);
    return new SignJWT({ request_body_sha256: sha256Hex(body) })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setIssuedAt(options.iat ?? Math.floor(Date.now() / 1000))
      .sign(key.privateKey);
  }
}
