import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { waitFor } from './wait-for';

// One event as a client parses it off the wire (the EventSource rules: `id:`, `event:`, `data:`, blank line).
export interface StreamEvent {
  id: number | undefined;
  event: string;
  data: any;
  receivedAt: number;
}

export interface OpenOptions {
  ticket?: string;
  token?: string;
  lastEventId?: string;
}

// A text/event-stream client over node:http, as a browser's EventSource reads it, minus the automatic reconnect:
// the tests reconnect themselves, with the Last-Event-ID they choose.
export class EventStreamClient {
  readonly events: StreamEvent[] = [];
  readonly comments: string[] = [];
  retry: number | undefined;
  endedAt: number | undefined;
  private buffer = '';
  private pending: { id?: number; event?: string; data: string[] } = { data: [] };

  private constructor(
    private readonly req: ClientRequest,
    readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.feed(chunk));
    const end = (): void => {
      this.endedAt ??= Date.now();
    };
    response.on('end', end);
    response.on('close', end);
    response.on('error', end);
  }

  static open(baseUrl: string, options: OpenOptions): Promise<EventStreamClient> {
    const url = new URL('/v1/events', baseUrl);
    if (options.ticket) url.searchParams.set('ticket', options.ticket);
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    return new Promise((resolve, reject) => {
      const req = request(url, { headers }, (res) => {
        if (res.statusCode !== 200) {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => reject(new StreamRefused(res.statusCode ?? 0, text)));
          return;
        }
        resolve(new EventStreamClient(req, res));
      });
      req.on('error', reject);
      req.end();
    });
  }

  get ended(): boolean {
    return this.endedAt !== undefined;
  }

  named(event: string): StreamEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  ids(): number[] {
    return this.events.filter((e) => e.id !== undefined).map((e) => e.id as number);
  }

  lastId(): number | undefined {
    return this.ids().at(-1);
  }

  // Resolves with the first event (after `from` events already seen) that matches.
  next(match: (e: StreamEvent) => boolean, what: string, from = 0): Promise<StreamEvent> {
    return waitFor(() => this.events.slice(from).find(match), { what: `stream event: ${what}` });
  }

  waitEnded(timeoutMs = 10_000): Promise<number> {
    return waitFor(() => this.endedAt, { what: 'the stream to end', timeoutMs, intervalMs: 20 });
  }

  close(): void {
    this.req.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.comments.push(line.slice(1).trim());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') this.pending.id = Number(value);
    else if (field === 'event') this.pending.event = value;
    else if (field === 'data') this.pending.data.push(value);
    else if (field === 'retry') this.retry = Number(value);
  }

  private dispatch(): void {
    const { id, event, data } = this.pending;
    this.pending = { data: [] };
    if (data.length === 0 && event === undefined) return;
    const text = data.join('\n');
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    this.events.push({ id, event: event ?? 'message', data: parsed, receivedAt: Date.now() });
  }
}

export class StreamRefused extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(`the stream was refused: ${status} ${text}`);
  }

  get body(): any {
    try {
      return JSON.parse(this.text);
    } catch {
      return this.text;
    }
  }
}
