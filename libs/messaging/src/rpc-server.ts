import {
  type ArgumentsHost,
  BadRequestException,
  Catch,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
  type RpcExceptionFilter,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import { DomainError, type ErrorDetail, ErrorCode, type RpcErrorBody } from '@app/contracts';
import { acceptRequestId, REQUEST_ID_HEADER, requestContext } from '@app/common';
import { type Observable, finalize, throwError } from 'rxjs';

function flattenValidation(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flattenValidation(e.children ?? [], field)];
  });
}

export function validationDetails(errors: ValidationError[]): ErrorDetail[] {
  return flattenValidation(errors);
}

// Validates every message payload against its DTO; a bad payload is a VALIDATION_FAILED domain error.
export function rpcValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: false,
    exceptionFactory: (errors) =>
      new DomainError(ErrorCode.ValidationFailed, 'Message payload failed validation', validationDetails(errors)),
  });
}

// Runs each handler inside the request context carried in the message headers, and acks the message when
// the handler has finished (replies are at most once; the caller holds the timeout).
@Injectable()
export class RpcAckInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rmq = context.switchToRpc().getContext<unknown>();
    if (!(rmq instanceof RmqContext)) return next.handle();
    const message = rmq.getMessage() as { properties: { headers?: Record<string, unknown> } };
    const channel = rmq.getChannelRef() as { ack(m: unknown): void };
    const requestId = acceptRequestId(message.properties.headers?.[REQUEST_ID_HEADER]);
    return requestContext.run({ requestId }, () =>
      next.handle().pipe(
        finalize(() => {
          try {
            channel.ack(message);
          } catch {
            // The channel closed under us; the broker will redeliver the message.
          }
        }),
      ),
    );
  }
}

// Turns any failure into the RpcErrorBody the caller understands; unknown errors are logged here, in full,
// and answered with a bare INTERNAL code.
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger(RpcErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const body = this.toBody(exception, host);
    return throwError(() => body);
  }

  private toBody(exception: unknown, host: ArgumentsHost): RpcErrorBody {
    if (exception instanceof DomainError) return exception.toBody();
    if (exception instanceof BadRequestException) {
      return { code: ErrorCode.ValidationFailed, message: 'Message payload failed validation' };
    }
    const pattern = host.getType() === 'rpc' ? host.switchToRpc().getContext<RmqContext>().getPattern() : undefined;
    this.logger.error({ err: exception, pattern }, 'unhandled error in message handler');
    return { code: ErrorCode.Internal, message: 'Internal error' };
  }
}
