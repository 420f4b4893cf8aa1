import { type OutgoingHttpHeaders } from 'node:http';
import { REQUEST_ID_HEADER } from '@app/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type EventSink } from './event-stream';

// A stream written straight to the socket: the reply is hijacked, so Fastify's onSend hooks (X-Request-Id) do not
// run. The security headers are already on the raw response; CORS headers sit on the reply and are copied.
export class HttpEventSink implements EventSink {
  constructor(
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
  ) {}

  open(): void {
    this.reply.hijack();
    this.reply.raw.socket?.setNoDelay(true);
    this.reply.raw.writeHead(200, {
      ...(this.reply.getHeaders() as OutgoingHttpHeaders),
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      // nginx would otherwise buffer the stream.
      'x-accel-buffering': 'no',
      [REQUEST_ID_HEADER]: String(this.request.id),
    });
  }

  write(chunk: string): void {
    this.reply.raw.write(chunk);
  }

  buffered(): number {
    return this.reply.raw.writableLength;
  }

  end(): void {
    if (!this.reply.raw.writableEnded) this.reply.raw.end();
  }

  abort(): void {
    this.reply.raw.destroy();
  }

  onClose(listener: () => void): void {
    this.reply.raw.once('close', listener);
  }
}
