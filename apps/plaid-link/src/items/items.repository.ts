import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, type Repository } from 'typeorm';
import { Item } from './item.entity';

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

  findDuplicate(userId: string, institutionId: string, fingerprint: string): Promise<Item | null> {
    return this.items
      .createQueryBuilder('i')
      .where(
        'i.user_id = :userId AND i.institution_id = :institutionId AND i.accounts_fingerprint = :fingerprint',
        {
          userId,
          institutionId,
          fingerprint,
        },
      )
      .andWhere(`i.status <> 'revoked'`)
      .getOne();
  }

  async findByExchange(publicTokenHash: Buffer): Promise<{ userId: string; item: Item } | null> {
    const rows: { user_id: string; item_id: string }[] = await this.items.query(
      `SELECT user_id, item_id FROM exchanges WHERE public_token_sha256 = $1`,
      [publicTokenHash],
    );
    if (rows.length === 0) return null;
    const item = await this.findById(rows[0].item_id);
    return item ? { userId: rows[0].user_id, item } : null;
  }

  async insertWithExchange(em: EntityManager, item: Partial<Item>, publicTokenHash: Buffer): Promise<Item> {
    const saved = await em.getRepository(Item).save(em.getRepository(Item).create(item));
    await em.query(`INSERT INTO exchanges (public_token_sha256, user_id, item_id) VALUES ($1, $2, $3)`, [
      publicTokenHash,
      saved.userId,
      saved.id,
    ]);
    return saved;
  }

  async update(em: EntityManager | null, itemId: string, patch: Partial<Item>): Promise<void> {
    const repo = em ? em.getRepository(Item) : this.items;
    await repo.update({ id: itemId }, patch);
  }

  async delete(em: EntityManager, itemId: string): Promise<void> {
    await em.getRepository(Item).delete({ id: itemId });
  }
}
