import {
  type ArgumentsHost,
  BadRequestException,
  HttpException,
  Catch,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
  type ExceptionFilter,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import {
  deadLetterQueueName,
  DomainError,
  type ErrorDetail,
  ErrorCode,
  DEFAULT_RETRY,
  type RetryPolicySettings,
  retryQueueName,
  type RpcErrorBody,
} from '@app/contracts';
import { acceptRequestId, metrics, pgInputError, REQUEST_ID_HEADER, requestContext } from '@app/common';
import { type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { EMPTY, type Observable, catchError, defer, finalize, from, mergeMap, tap, throwError } from 'rxjs';
import { type AmqpConnection } from './amqp-connection';
import { JobError } from './job-error';

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
      new DomainError(
        ErrorCode.ValidationFailed,
        'Message payload failed validation',
        validationDetails(errors),
      ),
  });
}

export const ATTEMPT_HEADER = 'x-attempt';

// Whether a failed event deserves another attempt. Bad payloads and expected domain outcomes do not.
export function isRetryable(err: unknown): boolean {
  if (err instanceof JobError) return err.retryable;
  if (err instanceof DomainError) {
    return err.code === ErrorCode.ServiceUnavailable || err.code === ErrorCode.GatewayTimeout;
  }
  // Postgres refused a value of the message itself: the same message would fail the same way again.
  return pgInputError(err) === null;
}

function describe(err: unknown): string {
  if (err instanceof JobError) return `${err.reason}: ${err.message}`;
  if (err instanceof DomainError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return typeof err === 'string' ? err : JSON.stringify(err);
}

// Runs each handler inside the request context carried in the message headers and settles the message:
// - request/response: ack when the handler is done (replies are at most once; the caller holds the timeout);
// - events: ack on success; on failure re-publish to a delayed-retry queue with the attempt count (or, when the
//   error is permanent or the attempts are used up, to the dead-letter queue with the reason), then ack.
// Re-publishing goes through the shared connection (confirmed, mandatory) before the original is acked on its
// consumer channel: a crash in between leaves a duplicate, never a loss.
@Injectable()
export class RmqAckInterceptor implements NestInterceptor {
  private readonly logger = new Logger(RmqAckInterceptor.name);
  // Messages whose handler (and ack, reply or re-route) has not finished: shutdown waits for these.
  private inFlight = 0;

  constructor(
    private readonly amqp: AmqpConnection,
    private readonly retry: RetryPolicySettings = DEFAULT_RETRY,
  ) {}

  private republish(queue: string, message: ConsumeMessage, headers: Record<string, unknown>): Promise<void> {
    return this.amqp.sendToQueue(queue, message.content, { headers }, 'republish');
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rmq = context.switchToRpc().getContext<unknown>();
    if (!(rmq instanceof RmqContext)) return next.handle();
    const message = rmq.getMessage() as ConsumeMessage;
    const channel = rmq.getChannelRef() as ConfirmChannel;
    const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
    const requestId = acceptRequestId(headers[REQUEST_ID_HEADER]);
    const isRequest = Boolean(message.properties.replyTo);

    const attempt = Number(headers[ATTEMPT_HEADER] ?? 0) + 1;
    return defer(() => {
      this.inFlight += 1;
      return this.handle(rmq, message, channel, next, { requestId, attempt, isRequest });
    }).pipe(finalize(() => (this.inFlight -= 1)));
  }

  get idle(): boolean {
    return this.inFlight === 0;
  }

  private handle(
    rmq: RmqContext,
    message: ConsumeMessage,
    channel: ConfirmChannel,
    next: CallHandler,
    { requestId, attempt, isRequest }: { requestId: string; attempt: number; isRequest: boolean },
  ): Observable<unknown> {
    return requestContext.run({ requestId, attempt }, () => {
      const labels = { queue: message.fields.routingKey, pattern: rmq.getPattern() };
      const count = tap({
        complete: () => metrics.messagesConsumed.inc(labels),
        error: () => metrics.messagesFailed.inc(labels),
      });
      if (isRequest)
        return next.handle().pipe(
          count,
          finalize(() => this.ack(channel, message)),
        );
      return next.handle().pipe(
        count,
        tap({ complete: () => this.ack(channel, message) }),
        catchError((err: unknown) =>
          from(this.settleFailedEvent(channel, message, rmq.getPattern(), err)).pipe(mergeMap(() => EMPTY)),
        ),
      );
    });
  }

  private ack(channel: ConfirmChannel, message: ConsumeMessage): void {
    try {
      channel.ack(message);
    } catch {
      // The channel closed under us; the broker will redeliver the message.
    }
  }

  // An event this service has no handler for goes to the dead-letter queue with its reason, to be re-driven once
  // a consumer that knows it runs.
  deadLetterUnhandled(channel: ConfirmChannel, message: ConsumeMessage, pattern: string): Promise<void> {
    return this.settleFailedEvent(
      channel,
      message,
      pattern,
      JobError.permanent(`no handler for ${pattern}`, 'NO_HANDLER'),
    );
  }

  private async settleFailedEvent(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    pattern: string,
    err: unknown,
  ): Promise<void> {
    const headers = { ...(message.properties.headers ?? {}) } as Record<string, unknown>;
    const tiersForDefer = this.retry.tiersMs;
    if (err instanceof JobError && err.deferMs !== undefined && tiersForDefer.length > 0) {
      const tier = tiersForDefer.find((t) => t >= err.deferMs!) ?? tiersForDefer[tiersForDefer.length - 1];
      try {
        await this.republish(retryQueueName(message.fields.routingKey, tier), message, headers);
        metrics.messagesDeferred.inc({ queue: message.fields.routingKey, pattern });
        this.logger.log({ pattern, delayMs: tier, reason: err.reason }, 'event deferred');
        this.ack(channel, message);
      } catch {
        channel.nack(message, false, true);
      }
      return;
    }
    const attempt = Number(headers[ATTEMPT_HEADER] ?? 0) + 1;
    const queue = message.fields.routingKey;
    const reason = describe(err).slice(0, 500);
    const tiers = this.retry.tiersMs;
    const retry = isRetryable(err) && attempt < this.retry.maxAttempts && tiers.length > 0;
    try {
      if (retry) {
        const index = Math.min(attempt - 1, tiers.length - 1);
        const jitter = Math.random() < 0.5 ? 0 : 1; // two neighbouring tiers spread retries of one burst
        const tier = tiers[Math.min(index + jitter, tiers.length - 1)];
        await this.republish(retryQueueName(queue, tier), message, {
          ...headers,
          [ATTEMPT_HEADER]: attempt,
          'x-last-error': reason,
        });
        metrics.messagesRetried.inc({ queue, pattern });
        this.logger.warn({ pattern, attempt, delayMs: tier, reason }, 'event failed; retry scheduled');
      } else {
        await this.republish(deadLetterQueueName(queue), message, {
          ...headers,
          [ATTEMPT_HEADER]: attempt,
          'x-dead-reason': reason,
          'x-dead-at': new Date().toISOString(),
          'x-original-queue': queue,
        });
        metrics.messagesDeadLettered.inc({ queue, pattern });
        this.logger.error({ pattern, attempt, reason }, 'event dead-lettered');
      }
      this.ack(channel, message);
    } catch (publishErr) {
      // Could not hand it on: leave it unacked, the broker redelivers it when the channel closes.
      this.logger.error({ pattern, err: (publishErr as Error).message }, 'could not re-route failed event');
      try {
        channel.nack(message, false, true);
      } catch {
        // channel already gone
      }
    }
  }
}

// Turns any failure into the RpcErrorBody the caller understands; unknown errors are logged here, in full,
// and answered with a bare INTERNAL code.
@Catch()
export class RpcErrorFilter implements ExceptionFilter<unknown> {
  private readonly logger = new Logger(RpcErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() !== 'rpc') {
      // The service's own small HTTP server (health, metrics).
      const reply = host
        .switchToHttp()
        .getResponse<{ status(code: number): { send(body: unknown): void } }>();
      if (exception instanceof HttpException && exception.getStatus() < 500) {
        const statusCode = exception.getStatus();
        reply.status(statusCode).send({ statusCode, code: ErrorCode.NotFound, message: exception.message });
        return;
      }
      this.logger.error({ err: exception }, 'unhandled error in HTTP handler');
      reply.status(503).send({ statusCode: 503, code: ErrorCode.ServiceUnavailable, message: 'Unhealthy' });
      return;
    }
    const body = this.toBody(exception, host);
    return throwError(() => body);
  }

  private toBody(exception: unknown, host: ArgumentsHost): RpcErrorBody {
    if (exception instanceof DomainError) return exception.toBody();
    if (exception instanceof BadRequestException) {
      return { code: ErrorCode.ValidationFailed, message: 'Message payload failed validation' };
    }
    // Defense in depth: a value Postgres refuses is the caller's mistake (400), not our fault (500).
    const input = pgInputError(exception);
    if (input) {
      this.logger.warn({ sqlState: input.sqlState }, 'Postgres refused a value that passed validation');
      return { code: ErrorCode.ValidationFailed, message: input.message };
    }
    const pattern =
      host.getType() === 'rpc' ? host.switchToRpc().getContext<RmqContext>().getPattern() : undefined;
    this.logger.error({ err: exception, pattern }, 'unhandled error in message handler');
    return { code: ErrorCode.Internal, message: 'Internal error' };
  }
}
