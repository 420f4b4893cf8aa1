import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;

export interface EncryptionKey {
  kid: string;
  key: Buffer;
}

// Parses TOKEN_ENCRYPTION_KEYS ("kid:base64[,kid:base64...]", first = current). Messages never echo key material.
export function parseEncryptionKeys(raw: string): EncryptionKey[] {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new Error('TOKEN_ENCRYPTION_KEYS is empty: expected "kid:base64-32-bytes[,kid:base64...]"');
  }
  const keys: EncryptionKey[] = [];
  raw.split(',').forEach((part, index) => {
    const entry = part.trim();
    const colon = entry.indexOf(':');
    if (colon < 0) throw new Error(`TOKEN_ENCRYPTION_KEYS entry #${index + 1} is not "kid:base64"`);
    const kid = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!KID_PATTERN.test(kid)) {
      throw new Error(`TOKEN_ENCRYPTION_KEYS entry #${index + 1}: key id must match [A-Za-z0-9_-]{1,32}`);
    }
    if (keys.some((k) => k.kid === kid))
      throw new Error(`TOKEN_ENCRYPTION_KEYS: key id "${kid}" appears twice`);
    if (!BASE64_PATTERN.test(encoded))
      throw new Error(`TOKEN_ENCRYPTION_KEYS key "${kid}" is not valid base64`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new Error(
        `TOKEN_ENCRYPTION_KEYS key "${kid}" decodes to ${key.length} bytes, expected ${KEY_BYTES}`,
      );
    }
    keys.push({ kid, key });
  });
  return keys;
}

interface ParsedBlob {
  kid: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

function parseBlob(blob: string): ParsedBlob {
  const parts = typeof blob === 'string' ? blob.split('.') : [];
  if (parts.length !== 5 || parts[0] !== VERSION) {
    throw new Error(`Encrypted token is malformed: expected "${VERSION}.<kid>.<iv>.<tag>.<ciphertext>"`);
  }
  const [, kid, iv, tag, ciphertext] = parts;
  if (!KID_PATTERN.test(kid) || ![iv, tag, ciphertext].every((p) => BASE64URL_PATTERN.test(p))) {
    throw new Error('Encrypted token is malformed: bad key id or base64url segment');
  }
  const parsed = {
    kid,
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
  };
  if (parsed.iv.length !== IV_BYTES || parsed.tag.length !== TAG_BYTES) {
    throw new Error('Encrypted token is malformed: bad IV or tag length');
  }
  return parsed;
}

function requireAad(aad: string): Buffer {
  // An empty AAD would let a blob be moved between owners unnoticed.
  if (typeof aad !== 'string' || aad === '')
    throw new Error('Encrypted token AAD (owner id) must be non-empty');
  return Buffer.from(aad, 'utf8');
}

// Envelope for Plaid access tokens at rest: AES-256-GCM, bound to its owner (the Plaid item id) through the AAD.
export class AccessTokenCipher {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly current: string;

  constructor(keys: string) {
    const parsed = parseEncryptionKeys(keys);
    this.keys = new Map(parsed.map((k) => [k.kid, k.key]));
    this.current = parsed[0].kid;
  }

  get currentKeyId(): string {
    return this.current;
  }

  encrypt(plaintext: string, aad: string): string {
    const additional = requireAad(aad);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.current) as Buffer, iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(additional);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      this.current,
      iv.toString('base64url'),
      tag.toString('base64url'),
      ciphertext.toString('base64url'),
    ].join('.');
  }

  decrypt(blob: string, aad: string): string {
    const additional = requireAad(aad);
    const { kid, iv, tag, ciphertext } = parseBlob(blob);
    const key = this.keys.get(kid);
    if (!key)
      throw new Error(
        `Encrypted token uses unknown key id "${kid}" (was it removed from TOKEN_ENCRYPTION_KEYS?)`,
      );
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additional);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(
        `Encrypted token failed authentication under key "${kid}": tampered, or wrong owner (AAD)`,
      );
    }
  }

  needsReencrypt(blob: string): boolean {
    return parseBlob(blob).kid !== this.current;
  }

  // The blob moved to the current key, or null when it is there already (a key rotation runs this over every
  // stored token; running it twice changes nothing). Throws like decrypt() for a blob no key here opens.
  reencrypt(blob: string, aad: string): string | null {
    if (!this.needsReencrypt(blob)) return null;
    return this.encrypt(this.decrypt(blob, aad), aad);
  }
}

export function generateEncryptionKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
