import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// Secrets that must cross the broker (a password on its way to auth, tokens on their way back) travel sealed:
// AES-256-GCM under a key derived from the secret the gateway and auth already share, bound to a purpose.
export class Sealer {
  private readonly key: Buffer;

  constructor(sharedSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', sharedSecret, 'plaid-backend', 'rpc-seal/v1', 32));
  }

  seal(plaintext: string, purpose: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      's1',
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  // Null for anything that was not sealed by a holder of the same secret for the same purpose.
  open(sealed: string, purpose: string): string | null {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== 's1') return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(parts[1], 'base64url'));
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(Buffer.from(parts[2], 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(parts[3], 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      return null;
    }
  }
}

export const SEAL_PURPOSE = {
  password: 'password',
  refreshToken: 'refresh-token',
  accessToken: 'access-token',
} as const;
