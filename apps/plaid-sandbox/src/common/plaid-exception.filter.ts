import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { PlaidApiError } from './plaid-error';
import { requestIdFor } from './request-context';

/** Every error leaves as Plaid's error object with a request_id, whatever threw it. */
@Catch()
export class PlaidExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(PlaidExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const error = this.toPlaidApiError(exception, req);
    const body = error.toPlaidError(requestIdFor(req.raw));
    if (error.httpStatus >= 500 && !(exception instanceof PlaidApiError)) {
      this.logger.error({ err: exception, path: req.url.split('?')[0] }, 'unexpected error');
    } else {
      this.logger.debug(
        { path: req.url.split('?')[0], error_code: error.errorCode, status: error.httpStatus },
        'plaid error',
      );
    }
    void reply.status(error.httpStatus).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toPlaidApiError(exception: unknown, req: FastifyRequest): PlaidApiError {
    if (exception instanceof PlaidApiError) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) {
        return PlaidApiError.of('NOT_FOUND', `unrecognized route: ${req.method} ${req.url.split('?')[0]}`);
      }
      if (status === 413) return PlaidApiError.of('INVALID_BODY', 'request body is too large');
      if (status < 500) return PlaidApiError.of('INVALID_FIELD', exception.message, { status });
    }
    return PlaidApiError.of('INTERNAL_SERVER_ERROR');
  }
}
