import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  type RuleCreateRequest,
  type RuleDto,
  type RuleListDto,
  type RuleMatchDto,
  type RuleRef,
  type RuleSetDto,
  type RuleUpdateRequest,
  type RulesListRequest,
  resolveCategory,
} from '@app/contracts';
import { type Transaction, UnitOfWork } from '@app/messaging';
import { TransactionsEditedAnnouncer } from '../transactions/transactions-edited.announcer';
import { type RuleFields, type RuleRow, RulesRepository } from './rules.repository';

// A user's rules. The page write applies them to every incoming transaction; applyToExisting re-applies the whole
// set to the stored ones in one statement (the change log and the feed see what changed). A user's own edit of
// a transaction beats any rule (the read projection: edit, else rule, else Plaid).
@Injectable()
export class RulesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly rules: RulesRepository,
    private readonly announcer: TransactionsEditedAnnouncer,
  ) {}

  async list(req: RulesListRequest): Promise<RuleListDto> {
    return { data: (await this.rules.list(req.userId)).map(toDto) };
  }

  async create(req: RuleCreateRequest): Promise<RuleDto> {
    const fields = toFields(req.name, req.priority ?? 100, req.match, req.set);
    const row = await this.uow.run(async (tx) => {
      await this.assertAccount(tx, req.userId, fields.match_account_id);
      const created = await this.rules.create(tx.manager, req.userId, fields);
      if (req.applyToExisting) await this.applyToExisting(tx, req.userId);
      return created;
    });
    return toDto(row);
  }

  async update(req: RuleUpdateRequest): Promise<RuleDto> {
    const row = await this.uow.run(async (tx) => {
      const current = await this.rules.find(tx.manager, req.userId, req.id);
      if (!current) throw new DomainError(ErrorCode.NotFound, 'Rule not found');
      const was = toDto(current);
      const fields = toFields(
        req.name ?? was.name,
        req.priority ?? was.priority,
        req.match ?? was.match,
        req.set ?? was.set,
      );
      await this.assertAccount(tx, req.userId, fields.match_account_id);
      const updated = await this.rules.update(tx.manager, req.userId, req.id, fields);
      if (!updated) throw new DomainError(ErrorCode.NotFound, 'Rule not found');
      if (req.applyToExisting) await this.applyToExisting(tx, req.userId);
      return updated;
    });
    return toDto(row);
  }

  async delete(ref: RuleRef): Promise<{ deleted: true }> {
    await this.uow.run(async (tx) => {
      if (!(await this.rules.delete(tx.manager, ref.userId, ref.id))) {
        throw new DomainError(ErrorCode.NotFound, 'Rule not found');
      }
      if (ref.applyToExisting) await this.applyToExisting(tx, ref.userId);
    });
    return { deleted: true };
  }

  // Publishes only when rows changed: a rule that touches nothing leaves the outbox (and the relay) alone.
  private async applyToExisting(tx: Transaction, userId: string): Promise<void> {
    await this.announcer.announce(tx, userId, await this.rules.applyToExisting(tx.manager, userId));
  }

  private async assertAccount(tx: Transaction, userId: string, accountId: string | null): Promise<void> {
    if (accountId && !(await this.rules.accountIsUsers(tx.manager, userId, accountId))) {
      throw new DomainError(ErrorCode.NotFound, 'Account not found');
    }
  }
}

function invalid(field: string, message: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, message, [{ field, messages: [message] }]);
}

function toFields(name: string, priority: number, match: RuleMatchDto, set: RuleSetDto): RuleFields {
  const criteria = [
    match.merchantName,
    match.nameContains,
    match.accountId,
    match.amountMin,
    match.amountMax,
    match.plaidCategory,
  ];
  if (criteria.every((c) => c === undefined || c === null)) {
    throw invalid('match', 'match needs at least one criterion');
  }
  if (match.amountMin !== undefined && match.amountMax !== undefined && match.amountMin > match.amountMax) {
    throw invalid('match.amountMin', 'match.amountMin must not exceed match.amountMax');
  }
  const effects = [set.category, set.hidden, set.excludeFromSpending, set.displayName];
  if (effects.every((e) => e === undefined || e === null))
    throw invalid('set', 'set needs at least one field');
  const category = set.category ? resolveCategory(set.category) : null;
  if (set.category && !category)
    throw invalid('set.category', 'set.category must be one of GET /v1/categories');
  return {
    name,
    priority,
    match_merchant_name: match.merchantName ?? null,
    match_name_contains: match.nameContains ?? null,
    match_account_id: match.accountId ?? null,
    match_amount_min: match.amountMin === undefined ? null : String(match.amountMin),
    match_amount_max: match.amountMax === undefined ? null : String(match.amountMax),
    match_plaid_category: match.plaidCategory ?? null,
    set_category_primary: category?.primary ?? null,
    set_category_detailed: category?.detailed ?? null,
    set_hidden: set.hidden ?? null,
    set_exclude_from_spending: set.excludeFromSpending ?? null,
    set_display_name: set.displayName ?? null,
  };
}

function toDto(r: RuleRow): RuleDto {
  const match: RuleMatchDto = {};
  if (r.match_merchant_name !== null) match.merchantName = r.match_merchant_name;
  if (r.match_name_contains !== null) match.nameContains = r.match_name_contains;
  if (r.match_account_id !== null) match.accountId = r.match_account_id;
  if (r.match_amount_min !== null) match.amountMin = Number(r.match_amount_min);
  if (r.match_amount_max !== null) match.amountMax = Number(r.match_amount_max);
  if (r.match_plaid_category !== null) match.plaidCategory = r.match_plaid_category;
  const set: RuleSetDto = {};
  if (r.set_category_primary !== null) set.category = r.set_category_detailed ?? r.set_category_primary;
  if (r.set_hidden !== null) set.hidden = r.set_hidden;
  if (r.set_exclude_from_spending !== null) set.excludeFromSpending = r.set_exclude_from_spending;
  if (r.set_display_name !== null) set.displayName = r.set_display_name;
  return {
    id: r.id,
    name: r.name,
    priority: r.priority,
    match,
    set,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
