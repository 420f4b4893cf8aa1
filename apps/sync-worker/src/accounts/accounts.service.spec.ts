import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { DomainError, ErrorCode } from '@app/contracts';
import { type TestDatabase } from '@app/testing';
import { DataSource } from 'typeorm';
import { type SyncItem } from '../items/sync-items.repository';
import { createSyncDatabase, insertItem, makeAccount } from '../spec-support';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';

describe(AccountsService.name, () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let sut: AccountsService;
  let item: SyncItem;

  beforeAll(async () => {
    db = await createSyncDatabase();
    moduleRef = await Test.createTestingModule({
      providers: [AccountsService, AccountsRepository, { provide: DataSource, useValue: db.dataSource }],
    }).compile();
    sut = moduleRef.get(AccountsService);
    item = await insertItem(db, null);
    await db.dataSource.transaction((em) =>
      moduleRef
        .get(AccountsRepository)
        .upsertMany(em, item.itemId, item.userId, [makeAccount({ name: 'B' }), makeAccount({ name: 'A' })]),
    );
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.destroy();
  });

  it('lists the owner’s accounts of an item, by name', async () => {
    const { data } = await sut.list(item.userId, item.itemId);

    expect(data.map((a) => a.name)).toEqual(['A', 'B']);
    expect(data[0]).toMatchObject({
      itemId: item.itemId,
      balances: { available: 100, current: 110, limit: null },
    });
  });

  it('answers NotFound for another user’s item', async () => {
    await expect(sut.list(randomUUID(), item.itemId)).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('answers NotFound for an item the worker does not know yet', async () => {
    await expect(sut.list(item.userId, randomUUID())).rejects.toBeInstanceOf(DomainError);
  });

  it('answers an empty list for an owned item whose data was revoked', async () => {
    const revoked = await insertItem(db, null, { userId: item.userId });
    await db.dataSource.query(`DELETE FROM items WHERE item_id = $1`, [revoked.itemId]);

    await expect(sut.list(item.userId, revoked.itemId)).resolves.toEqual({ data: [] });
  });

  it('lists every account of the user without an item', async () => {
    const { data } = await sut.list(item.userId);

    expect(data).toHaveLength(2);
  });
});
