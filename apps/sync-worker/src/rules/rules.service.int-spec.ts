import { jest } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { EventPattern } from '@app/contracts';
import { OutboxRelay } from '@app/messaging';
import { type TestDatabase, strictMock } from '@app/testing';
import { DataSource } from 'typeorm';
import { AccountsRepository } from '../accounts/accounts.repository';
import { CONFIG } from '../config';
import {
  createSyncDatabase,
  insertItem,
  makeAccount,
  makeTransaction,
  outboxEvents,
  specConfig,
  unitOfWorkProvider,
} from '../spec-support';
import { TransactionChangesRepository } from '../transactions/transaction-changes.repository';
import { TransactionPagesRepository } from '../transactions/transaction-pages.repository';
import { TransactionsEditedAnnouncer } from '../transactions/transactions-edited.announcer';
import { RulesRepository } from './rules.repository';
import { RulesService } from './rules.service';

// The real repositories and unit of work on the real Postgres; the relay is a fake that counts its kicks.
describe(RulesService.name, () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let sut: RulesService;
  const kick = jest.fn(() => undefined);

  beforeAll(async () => {
    db = await createSyncDatabase();
    moduleRef = await Test.createTestingModule({
      providers: [
        RulesService,
        RulesRepository,
        TransactionsEditedAnnouncer,
        TransactionChangesRepository,
        AccountsRepository,
        TransactionPagesRepository,
        { provide: CONFIG, useValue: specConfig(db.url) },
        { provide: DataSource, useValue: db.dataSource },
        { provide: OutboxRelay, useValue: strictMock<OutboxRelay>('OutboxRelay', { kick }) },
        unitOfWorkProvider,
      ],
    }).compile();
    sut = moduleRef.get(RulesService);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.destroy();
  });

  it('announces and kicks the relay only when applying the rules changed transactions', async () => {
    const item = await insertItem(db, null);
    const account = makeAccount();
    await db.dataSource.transaction(async (em) => {
      await moduleRef.get(AccountsRepository).upsertMany(em, item.itemId, item.userId, [account]);
      await moduleRef
        .get(TransactionPagesRepository)
        .upsert(em, item.itemId, item.userId, [makeTransaction(account.account_id)]);
    });
    const announced = async () =>
      (await outboxEvents(db, EventPattern.TransactionsEdited)).filter(
        (e) => (e as { itemId: string }).itemId === item.itemId,
      );

    await sut.create({
      userId: item.userId,
      name: 'matches nothing',
      match: { merchantName: 'Nobody' },
      set: { hidden: true },
      applyToExisting: true,
    });
    expect(kick).not.toHaveBeenCalled();
    expect(await announced()).toEqual([]);

    await sut.create({
      userId: item.userId,
      name: 'coffee',
      match: { merchantName: 'Blue Bottle' },
      set: { hidden: true },
      applyToExisting: true,
    });
    expect(kick).toHaveBeenCalledTimes(1);
    expect(await announced()).toEqual([expect.objectContaining({ itemId: item.itemId, modified: 1 })]);
  });
});
