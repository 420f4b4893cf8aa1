import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { LINK_DELETION_REGISTRY } from './deletion-registry';

@Injectable()
export class UserDeletionRepository {
  // One statement per table of the registry, in the caller's transaction.
  async deleteAllOf(em: EntityManager, userId: string): Promise<void> {
    for (const entry of LINK_DELETION_REGISTRY) await em.query(entry.sql, [userId]);
  }
}
