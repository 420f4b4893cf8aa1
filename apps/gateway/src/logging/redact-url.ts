// Query parameters that carry a credential (the event-stream ticket, an account deletion's status token): their
// values never reach a log line.
const SECRET_PARAMS = ['ticket', 'token'];

const SECRET_PARAM = new RegExp(`([?&](?:${SECRET_PARAMS.join('|')})=)[^&#]*`, 'gi');

// A request URL as it may be logged.
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_PARAM, '$1[redacted]');
}

// The request as a log line shows it (pino-http's `req` serializer): never its headers, never a ticket.
export function serializeRequest(req: { id: unknown; method: string; url: string }): {
  id: unknown;
  method: string;
  url: string | undefined;
} {
  return { id: req.id, method: req.method, url: redactUrl(req.url) };
}
