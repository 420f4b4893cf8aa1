import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { redactUrl } from '../logging/redact-url';
import { mapError } from './error-mapping';

export function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const mapped = mapError(err, String(request.id));
  if (mapped.unexpected) {
    logger.error(
      { err, requestId: request.id, url: redactUrl(request.url), method: request.method },
      'unhandled error',
    );
  }
  if (mapped.retryAfterSeconds !== undefined)
    void reply.header('Retry-After', String(mapped.retryAfterSeconds));
  void reply.status(mapped.body.statusCode).type('application/json; charset=utf-8').send(mapped.body);
}

// Every error a route throws leaves the gateway in the one error shape.
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger);
  }
}
