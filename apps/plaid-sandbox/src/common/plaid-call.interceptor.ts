import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { from, map, mergeMap, type Observable } from 'rxjs';
import { FailuresService } from '../control/failures.service';
import { ItemsStore } from '../items/items.store';
import { requestIdFor } from './request-context';
import { isObject } from './request-fields';

/** Applies injected failures/delays (control API) and stamps request_id on every Plaid response. */
@Injectable()
export class PlaidCallInterceptor implements NestInterceptor {
  constructor(
    private readonly failures: FailuresService,
    private readonly items: ItemsStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler<unknown>): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const endpoint = req.url.split('?')[0];
    const itemId = isObject(req.body) ? this.items.itemIdForRequest(req.body) : null;
    const requestId = requestIdFor(req.raw);
    return from(this.failures.apply(endpoint, itemId)).pipe(
      mergeMap(() => next.handle()),
      map((body) => (isObject(body) ? { ...body, request_id: requestId } : body)),
    );
  }
}
