import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  type RecurringListDto,
  type RecurringListRequest,
  type RecurringStreamDto,
} from '@app/contracts';
import { metrics } from '@app/common';
import { UnitOfWork } from '@app/messaging';
import { PlaidApiError } from '@app/plaid';
import { type ItemPlaidClient } from '../plaid/item-plaid.client';
import { RecurringRepository } from './recurring.repository';

// The item does not have the recurring product: recorded once, never asked again after a sync (a
// RECURRING_TRANSACTIONS_UPDATE webhook, which only comes for an item that has it, asks again).
const UNAVAILABLE = new Set(['PRODUCTS_NOT_SUPPORTED', 'PRODUCT_NOT_ENABLED']);

export type RecurringTrigger = 'sync' | 'webhook';

// Plaid's recurring streams (/transactions/recurring/get) of an item, fetched after a sync that changed
// transactions and on RECURRING_TRANSACTIONS_UPDATE, stored whole per item, and read by GET /v1/recurring.
@Injectable()
export class RecurringService {
  private readonly logger = new Logger(RecurringService.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly streams: RecurringRepository,
  ) {}

  // Never throws: the sync it follows succeeded whatever this does. A failure is logged and counted, and the
  // next sync with changes (or the next webhook) tries again.
  async refresh(plaid: ItemPlaidClient, trigger: RecurringTrigger): Promise<void> {
    const { item } = plaid;
    try {
      const status = await this.streams.status(item.itemId);
      if (trigger === 'sync' && status !== null && UNAVAILABLE.has(status)) return;
      let answer;
      try {
        answer = await plaid.transactionsRecurringGet();
      } catch (err) {
        if (err instanceof PlaidApiError && UNAVAILABLE.has(err.errorCode)) {
          if (status !== err.errorCode) {
            await this.streams.setStatus(null, item.itemId, err.errorCode);
            this.logger.log(
              { itemId: item.itemId, code: err.errorCode },
              'no recurring product for the item',
            );
          }
          metrics.recurringFetches.inc({ outcome: 'unavailable' });
          return;
        }
        throw err;
      }
      await this.uow.run(async (tx) => {
        await this.streams.replace(
          tx.manager,
          item.itemId,
          item.userId,
          answer.inflow_streams,
          answer.outflow_streams,
        );
        await this.streams.setStatus(tx.manager, item.itemId, 'ok');
      });
      metrics.recurringFetches.inc({ outcome: 'ok' });
    } catch (err) {
      metrics.recurringFetches.inc({ outcome: 'failed' });
      const code = err instanceof PlaidApiError ? err.errorCode : undefined;
      this.logger.warn(
        { itemId: item.itemId, code, err: err instanceof PlaidApiError ? undefined : (err as Error).message },
        'recurring streams not refreshed',
      );
    }
  }

  async list(req: RecurringListRequest): Promise<RecurringListDto> {
    const result = await this.streams.list(req.userId, req.itemId ?? null, req.accountId ?? null);
    if (result.kind === 'not-found') {
      throw new DomainError(
        ErrorCode.NotFound,
        result.missing === 'item' ? 'Item not found' : 'Account not found',
      );
    }
    const inflows: RecurringStreamDto[] = [];
    const outflows: RecurringStreamDto[] = [];
    for (const { direction, ...stream } of result.rows)
      (direction === 'inflow' ? inflows : outflows).push(stream);
    return { inflows, outflows };
  }
}
