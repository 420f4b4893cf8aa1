import { Logger } from '@nestjs/common';
import { DomainError, ErrorCode, type FeedEventDto, type FeedSinceResponse } from '@app/contracts';
import { sseComment, sseEvent, sseRetry } from './sse';

// Where a stream's events go: an HTTP response in the gateway, a fake in specs.
export interface EventSink {
  // Sends the response head. Until then nothing was written, so a refusal is still a JSON error.
  open(): void;
  write(chunk: string): void;
  // Bytes written but not yet taken by the client.
  buffered(): number;
  end(): void;
  // Drops the connection with whatever the client has not read: for a client that does not read.
  abort(): void;
  // The client went away (or the response ended); called once.
  onClose(listener: () => void): void;
}

// The user's events after `after` (null: none, only the head), at most FEED_PAGE_SIZE of them.
export type FeedReader = (after: number | null) => Promise<FeedSinceResponse>;

export type CloseReason = 'client-gone' | 'revoked' | 'overflow' | 'shutdown' | 'error' | 'gap';

export interface StreamSettings {
  keepAliveMs: number;
  maxBufferBytes: number;
}

export const FEED_PAGE_SIZE = 1000;
// The browser's reconnection delay after the stream breaks or the server ends it.
export const RECONNECT_MS = 3000;

// Live events held while a catch-up runs; past this the stream closes like a slow reader (the client resumes).
const MAX_PENDING = 10_000;

// A Last-Event-ID the log can answer: a whole number; anything else asks for a resync.
export function parseLastEventId(raw: string | undefined): number | 'invalid' | undefined {
  if (raw === undefined) return undefined;
  return /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : 'invalid';
}

// One open GET /v1/events: writes each of the user's events exactly once and in order. lastId is the last id
// written; a live event right after it is written at once, an older one skipped (a duplicate), a later one
// (a gap) fetched with what is missing from the log. One catch-up at a time: live events that arrive during one
// wait, and are then filtered by id.
export class EventStream {
  private readonly logger = new Logger(EventStream.name);
  private lastId = 0;
  private opened = false;
  private closed = false;
  private closedFor?: CloseReason;
  // From construction: the start reads the log first, and live events wait for it.
  private catchingUp = true;
  // Asked for a catch-up while one ran (a re-subscription): the running one may have read too early.
  private again = false;
  private pending: FeedEventDto[] = [];
  private keepAlive?: NodeJS.Timeout;

  constructor(
    readonly userId: string,
    readonly sessionId: string,
    private readonly sink: EventSink,
    private readonly readFeed: FeedReader,
    private readonly settings: StreamSettings,
    private readonly onClosed: (stream: EventStream, reason: CloseReason) => void,
  ) {}

  // Reads where to start, then opens the response. Throws (and writes nothing) only when that first read fails
  // or the stream was closed meanwhile.
  async start(lastEventId: string | undefined): Promise<void> {
    const resume = parseLastEventId(lastEventId);
    const first = await this.readFeed(typeof resume === 'number' ? resume : null);
    // Closed while the log was read: nothing was sent yet, so the refusal is a JSON error.
    if (this.closedFor === 'revoked')
      throw new DomainError(ErrorCode.Unauthorized, 'Authentication required');
    if (this.closed)
      throw new DomainError(ErrorCode.ServiceUnavailable, 'The event stream closed; reconnect');
    this.opened = true;
    this.sink.open();
    this.sink.onClose(() => this.close('client-gone'));
    this.keepAlive = setInterval(() => this.write(sseComment('keep-alive')), this.settings.keepAliveMs);
    this.keepAlive.unref();
    this.write(sseRetry(RECONNECT_MS));
    let more = false;
    if (resume === undefined) this.lastId = first.head;
    else if (resume === 'invalid') this.resync(first.head);
    else {
      this.lastId = resume;
      more = this.apply(first);
    }
    void this.catchUp(more);
  }

  deliver(event: FeedEventDto): void {
    if (this.closed) return;
    if (this.catchingUp) return this.hold(event);
    if (event.id <= this.lastId) return;
    if (event.id === this.lastId + 1) return this.emit(event);
    this.hold(event);
    void this.catchUp(true);
  }

  // Broadcasts may have been missed (the subscription was re-made): read the log from lastId.
  resume(): void {
    if (this.closed) return;
    if (this.catchingUp) this.again = true;
    else void this.catchUp(true);
  }

  revoke(): void {
    this.close('revoked', sseEvent({ event: 'session.revoked', data: {} }));
  }

  close(reason: CloseReason, last?: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closedFor = reason;
    clearInterval(this.keepAlive);
    this.pending = [];
    if (this.opened && reason === 'overflow') this.sink.abort();
    else if (this.opened) {
      if (last !== undefined) this.sink.write(last);
      this.sink.end();
    }
    this.onClosed(this, reason);
  }

  // Pages through the log from lastId (when `fetch`, or when asked again meanwhile), then writes the live events
  // that waited. A failure closes the stream: the client resumes with its Last-Event-ID.
  private async catchUp(fetch: boolean): Promise<void> {
    this.catchingUp = true;
    const before = this.lastId;
    let read = false;
    try {
      let more = fetch;
      while (!this.closed && (more || this.again)) {
        this.again = false;
        more = this.apply(await this.readFeed(this.lastId));
        read = true;
      }
    } catch (err) {
      this.logger.warn(
        { userId: this.userId, err: (err as Error).message },
        'catch-up failed; stream closed',
      );
      this.close('error');
      return;
    } finally {
      this.catchingUp = false;
    }
    this.flushPending(read && this.lastId === before);
  }

  // Writes one page of the log; true when the log may hold more after it.
  private apply(page: FeedSinceResponse): boolean {
    if (page.resyncRequired) {
      this.resync(page.head);
      return false;
    }
    for (const event of page.events) if (event.id > this.lastId) this.emit(event);
    return page.events.length >= FEED_PAGE_SIZE;
  }

  // `stuck`: the catch-up just run read the log and found nothing new.
  private flushPending(stuck: boolean): void {
    const waiting = this.pending.sort((a, b) => a.id - b.id);
    this.pending = [];
    for (const [i, event] of waiting.entries()) {
      if (this.closed || event.id <= this.lastId) continue;
      if (event.id === this.lastId + 1) {
        this.emit(event);
        continue;
      }
      // A gap: read the log for it, unless it just said it holds nothing more (then the client resumes).
      if (stuck) {
        this.logger.warn({ userId: this.userId, lastId: this.lastId, next: event.id }, 'gap not filled');
        this.close('gap');
        return;
      }
      this.pending = waiting.slice(i);
      void this.catchUp(true);
      return;
    }
  }

  private hold(event: FeedEventDto): void {
    this.pending.push(event);
    if (this.pending.length > MAX_PENDING) this.close('overflow');
  }

  private resync(head: number): void {
    this.write(sseEvent({ id: head, event: 'resync-required', data: {} }));
    this.lastId = head;
  }

  private emit(event: FeedEventDto): void {
    this.write(sseEvent(event));
    this.lastId = event.id;
  }

  // A client that does not read fills the socket's buffer: past the bound it is dropped rather than held.
  private write(chunk: string): void {
    if (this.closed) return;
    this.sink.write(chunk);
    if (this.sink.buffered() > this.settings.maxBufferBytes) this.close('overflow');
  }
}
