import { client, endSession, unwrap } from '../api/client';

// The change feed (GET /v1/events): one EventSource per signed-in page. EventSource cannot send an Authorization
// header, so the stream is opened with a short-lived ticket bought with the access token. EventSource reconnects
// by itself with Last-Event-ID; when the stream fails for good (a spent ticket, a restarted gateway) a new
// EventSource gets a new ticket and carries the last id seen in the URL.

export type LiveEvent =
  | { type: 'item.updated'; item: { id: string } }
  | { type: 'item.removed'; itemId: string }
  | { type: 'accounts.changed'; itemId: string }
  | { type: 'transactions.changed'; itemId: string }
  | { type: 'resync-required' }
  // Not from the server: the feed is offline, refetch what is cheap to refetch.
  | { type: 'poll' };

export type LiveStatus = 'connecting' | 'live' | 'offline';

type Listener = (event: LiveEvent) => void;

const EVENT_TYPES = [
  'item.updated',
  'item.removed',
  'accounts.changed',
  'transactions.changed',
  'resync-required',
];
const MAX_BACKOFF_MS = 30_000;
// Without a stream the screens still catch up: every so often they are told to refetch.
const OFFLINE_POLL_MS = 10_000;

export class LiveFeed {
  private source: EventSource | null = null;
  private lastEventId: string | null = null;
  private retryTimer: number | undefined;
  private backoffMs = 1000;
  private stopped = false;
  private pollTimer: number | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly statusListeners = new Set<(status: LiveStatus) => void>();
  status: LiveStatus = 'connecting';

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    this.source?.close();
    this.source = null;
  }

  private async connect(): Promise<void> {
    this.setStatus('connecting');
    let ticket: string;
    try {
      ticket = (await unwrap(client.POST('/v1/events/ticket'))).ticket;
    } catch {
      // No stream (not deployed yet, or the gateway is away): the app still works, only without live updates.
      return this.retryLater();
    }
    if (this.stopped) return;
    const url = new URL('/v1/events', window.location.origin);
    url.searchParams.set('ticket', ticket);
    if (this.lastEventId) url.searchParams.set('lastEventId', this.lastEventId);
    const source = new EventSource(url);
    this.source = source;
    source.onopen = () => {
      this.backoffMs = 1000;
      this.setStatus('live');
    };
    source.onerror = () => {
      // CONNECTING: the browser retries by itself (with Last-Event-ID). CLOSED: the ticket is spent; buy another.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        this.retryLater();
      } else this.setStatus('connecting');
    };
    for (const type of EVENT_TYPES)
      source.addEventListener(type, (e) => this.dispatch(type, e as MessageEvent<string>));
    source.addEventListener('session.revoked', () => {
      this.stop();
      endSession('This session was ended elsewhere. Please log in again.');
    });
  }

  private dispatch(type: string, e: MessageEvent<string>): void {
    if (e.lastEventId) this.lastEventId = e.lastEventId;
    let data: Record<string, unknown>;
    try {
      data = e.data ? (JSON.parse(e.data) as Record<string, unknown>) : {};
    } catch {
      // A malformed event is dropped; the next resync-required or reload catches up.
      return;
    }
    this.emit({ ...data, type } as LiveEvent);
  }

  private emit(event: LiveEvent): void {
    this.listeners.forEach((l) => l(event));
  }

  private retryLater(): void {
    if (this.stopped) return;
    this.setStatus('offline');
    this.source = null;
    this.retryTimer = window.setTimeout(() => void this.connect(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }

  private setStatus(status: LiveStatus): void {
    if (status === 'offline' && this.pollTimer === undefined)
      this.pollTimer = window.setInterval(() => this.emit({ type: 'poll' }), OFFLINE_POLL_MS);
    if (status === 'live' && this.pollTimer !== undefined) {
      window.clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    }
    this.status = status;
    this.statusListeners.forEach((l) => l(status));
  }
}
