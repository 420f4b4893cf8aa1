import { jest } from '@jest/globals';
import { EventPattern } from '@app/contracts';
import { OutboxRelay } from '@app/messaging';
import { type ServiceTest, type TestDatabase, fake } from '@app/testing';
import { AccountsRepository } from '../accounts/accounts.repository';
import { insertItem, makeAccount, makeTransaction, outboxEvents, syncServiceTest } from '../spec-support';
import { TransactionChangesRepository } from '../transactions/transaction-changes.repository';
import { TransactionPagesRepository } from '../transactions/transaction-pages.repository';
import { TransactionsEditedAnnouncer } from '../transactions/transactions-edited.announcer';
import { RulesRepository } from './rules.repository';
import { RulesService } from './rules.service';

// The real repositories and unit of work on the real Postgres; the relay is a fake that counts its kicks.
describe(RulesService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<RulesService>;
  let sut: RulesService;
  const kick = jest.fn(() => undefined);

  beforeAll(async () => {
    harness = await syncServiceTest(RulesService, {
      real: [
        RulesRepository,
        TransactionsEditedAnnouncer,
        TransactionChangesRepository,
        AccountsRepository,
        TransactionPagesRepository,
      ],
      fakes: [fake(OutboxRelay, { kick })],
    });
    db = harness.db;
    sut = harness.sut;
  });

  afterAll(() => harness?.close());

  it('announces and kicks the relay only when applying the rules changed transactions', async () => {
    const item = await insertItem(db, null);
    const account = makeAccount();
    await db.dataSource.transaction(async (em) => {
      await harness.get(AccountsRepository).upsertMany(em, item.itemId, item.userId, [account]);
      await harness
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
