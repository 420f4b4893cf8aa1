import { isIP } from 'node:net';

// What Fastify's `trustProxy` takes: believe nothing / everything, the last N hops, or these proxy addresses.
export type TrustProxy = boolean | number | string[];

const MAX_HOPS = 10;

function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

// TRUST_PROXY from the environment; null when it is none of the accepted forms (config validation names it).
// `true`/`false` (and yes/no) are kept for compatibility; a bare number is a hop count, so `1` no longer means
// "believe the client's leftmost X-Forwarded-For".
export function parseTrustProxy(raw: unknown): TrustProxy | null {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 0 && raw <= MAX_HOPS ? raw : null;
  if (typeof raw !== 'string') return null;
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === 'yes') return true;
  if (value === 'false' || value === 'no' || value === '' || value === '0') return false;
  if (/^\d+$/.test(value)) return Number(value) <= MAX_HOPS ? Number(value) : null;
  const entries = value.split(',').map((e) => e.trim());
  return entries.every(isAddressOrRange) ? entries : null;
}

// Fastify's own option for the setting. This Fastify trusts nothing for a bare number (it cannot tell whether
// the peer is a proxy), so a hop count becomes the function proxy-addr calls per hop (0 = the socket's peer):
// the peer and the hops before it up to the count are proxies, the next address is the client. A hop count
// therefore assumes the gateway is reachable only through its proxies; otherwise list their ranges.
export function fastifyTrustProxy(
  setting: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  const hops = setting;
  return (_address, hop) => hop < hops;
}
