import { type FastifyRequest } from 'fastify';

// Who opened or refreshed a session, for the user's sessions list.
export interface ClientInfo {
  ip: string;
  userAgent?: string;
}

// The User-Agent header as given (cut to what auth stores), or nothing.
export function userAgentOf(request: FastifyRequest): string | undefined {
  const ua = request.headers['user-agent'];
  return typeof ua === 'string' && ua.length > 0 ? ua.slice(0, 512) : undefined;
}
