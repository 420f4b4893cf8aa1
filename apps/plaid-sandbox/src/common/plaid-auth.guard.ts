import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { timingSafeEqual, createHash } from 'node:crypto';
import { CallsService } from '../control/calls.service';
import { APP_CONFIG, type SandboxConfig } from '../config';
import { ItemsStore } from '../items/items.store';
import { PlaidApiError } from './plaid-error';
import { hasBadContentType, INVALID_JSON, requestIdFor } from './request-context';
import { isObject } from './request-fields';

function sameSecret(a: string, b: string): boolean {
  // Hash first: timingSafeEqual throws on different lengths.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Counts the call, then checks the body and credentials the way Plaid does, in Plaid's order. */
@Injectable()
export class PlaidAuthGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: SandboxConfig,
    private readonly items: ItemsStore,
    private readonly calls: CallsService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    requestIdFor(req.raw);
    const endpoint = req.url.split('?')[0];
    const body: unknown = req.body;
    this.calls.record(endpoint, isObject(body) ? this.items.itemIdForRequest(body) : null);

    if (hasBadContentType(req.raw)) throw PlaidApiError.of('INVALID_HEADERS');
    if (body === INVALID_JSON || !isObject(body)) throw PlaidApiError.of('INVALID_BODY');

    const clientId =
      header(req, 'plaid-client-id') ?? (typeof body.client_id === 'string' ? body.client_id : undefined);
    const secret = header(req, 'plaid-secret') ?? (typeof body.secret === 'string' ? body.secret : undefined);
    if (clientId === undefined || secret === undefined) {
      throw PlaidApiError.of(
        'INVALID_API_KEYS',
        'client_id and secret must be provided in the request body or in the PLAID-CLIENT-ID and PLAID-SECRET headers',
      );
    }
    if (!sameSecret(clientId, this.config.clientId) || !sameSecret(secret, this.config.secret)) {
      throw PlaidApiError.of('INVALID_API_KEYS');
    }
    return true;
  }
}
