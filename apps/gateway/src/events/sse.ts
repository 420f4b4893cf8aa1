// Frames of the text/event-stream format (the WHATWG EventSource parser's view: fields are lines, a blank line
// ends an event, a line starting with ':' is a comment).

export interface SseEvent {
  // Absent for events that are not in the user's log (session.revoked): they leave Last-Event-ID as it was.
  id?: number;
  event: string;
  // Sent as one line of JSON: JSON.stringify escapes every line break inside strings.
  data: unknown;
}

// A CR or LF inside a field would end it early and let the rest pass for another field.
const LINE_BREAK = /[\r\n]/;

export function sseEvent({ id, event, data }: SseEvent): string {
  if (LINE_BREAK.test(event)) throw new Error('an event name cannot hold a line break');
  const idLine = id === undefined ? '' : `id: ${id}\n`;
  return `${idLine}event: ${event}\ndata: ${JSON.stringify(data ?? {})}\n\n`;
}

export function sseComment(text: string): string {
  if (LINE_BREAK.test(text)) throw new Error('a comment cannot hold a line break');
  return `: ${text}\n\n`;
}

// How long the browser waits before it reconnects after the stream ends or breaks.
export function sseRetry(ms: number): string {
  return `retry: ${Math.trunc(ms)}\n\n`;
}
