import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, type Repository } from 'typeorm';
import { type ItemStatusValue } from '@app/contracts';
import { Item } from './item.entity';

export interface StatusCount {
  status: ItemStatusValue;
  count: number;
}

// Every statement on link.items. Writes that must commit with an outbox row take the caller's EntityManager.
@Injectable()
export class ItemsRepository {
  constructor(@InjectRepository(Item) private readonly items: Repository<Item>) {}

  listForUser(userId: string): Promise<Item[]> {
    return this.items.find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  // Scoped to the owner: another user's item is simply not found.
  findForUser(itemId: string, userId: string): Promise<Item | null> {
    return this.items.findOne({ where: { id: itemId, userId } });
  }

  findById(itemId: string): Promise<Item | null> {
    return this.items.findOne({ where: { id: itemId } });
  }

  findByPlaidItemId(plaidItemId: string): Promise<Item | null> {
    return this.items.findOne({ where: { plaidItemId } });
  }

  // The same accounts at the same institution, already linked by this user (a revoked link does not count).
  findDuplicate(userId: string, institutionId: string, fingerprint: string): Promise<Item | null> {
    return this.items
      .createQueryBuilder('i')
      .where(
        'i.user_id = :userId AND i.institution_id = :institutionId AND i.accounts_fingerprint = :fingerprint',
        { userId, institutionId, fingerprint },
      )
      .andWhere(`i.status <> 'revoked'`)
      .getOne();
  }

  insert(em: EntityManager, item: Partial<Item>): Promise<Item> {
    const repo = em.getRepository(Item);
    return repo.save(repo.create(item));
  }

  // The row, locked until the caller's transaction ends: changes of one item apply one at a time.
  lockById(em: EntityManager, itemId: string): Promise<Item | null> {
    return em
      .getRepository(Item)
      .createQueryBuilder('i')
      .setLock('pessimistic_write')
      .where('i.id = :itemId', { itemId })
      .getOne();
  }

  async update(em: EntityManager, itemId: string, patch: Partial<Item>): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await em.getRepository(Item).update({ id: itemId }, patch);
  }

  // Answers whether the row was there to delete.
  async delete(em: EntityManager, itemId: string): Promise<boolean> {
    const result = await em.getRepository(Item).delete({ id: itemId });
    return (result.affected ?? 0) > 0;
  }

  async countByStatus(): Promise<StatusCount[]> {
    const rows = await this.items.query<{ status: ItemStatusValue; n: string }[]>(
      `SELECT status, count(*) AS n FROM items GROUP BY status`,
    );
    return rows.map((r) => ({ status: r.status, count: Number(r.n) }));
  }

  // Items whose data is older than `hours` (see isStale), for the items_stale gauge.
  async countStale(hours: number): Promise<number> {
    const [row] = await this.items.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM items
        WHERE status <> 'revoked'
          AND least(coalesce(last_synced_at, created_at), coalesce(plaid_last_updated_at, last_synced_at, created_at))
              < now() - make_interval(hours => $1)`,
      [hours],
    );
    return Number(row.n);
  }
}
