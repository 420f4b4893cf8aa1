import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  requestId: string;
  // For a queued job: which delivery attempt this is (1 = first).
  attempt?: number;
}

export const REQUEST_ID_HEADER = 'x-request-id';

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(ctx: RequestContext, fn: () => T): T {
    return storage.run(ctx, fn);
  },
  get(): RequestContext | undefined {
    return storage.getStore();
  },
  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },
  attempt(): number {
    return storage.getStore()?.attempt ?? 1;
  },
};

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// A client-supplied id is echoed only when it is short and plain; otherwise we mint one.
export function acceptRequestId(candidate: unknown): string {
  if (typeof candidate === 'string' && SAFE_ID.test(candidate)) return candidate;
  return randomUUID();
}
