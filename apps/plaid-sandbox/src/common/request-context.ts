import { type IncomingMessage } from 'node:http';
import { newRequestId } from './ids';

// Per-request facts kept off the request object so Fastify's types stay untouched.
const requestIds = new WeakMap<IncomingMessage, string>();
const badContentType = new WeakSet<IncomingMessage>();

/** Sentinel body for a payload that is not valid JSON; Plaid answers INVALID_BODY. */
export const INVALID_JSON: unique symbol = Symbol('INVALID_JSON');

export function requestIdFor(raw: IncomingMessage): string {
  let id = requestIds.get(raw);
  if (!id) {
    id = newRequestId();
    requestIds.set(raw, id);
  }
  return id;
}

export function markBadContentType(raw: IncomingMessage): void {
  badContentType.add(raw);
}

export function hasBadContentType(raw: IncomingMessage): boolean {
  return badContentType.has(raw);
}
