import { randomUUID } from 'node:crypto';
import { ErrorCode, type TransactionDto, type TransactionPageDto } from '@app/contracts';
import { type ServiceTest, type TestDatabase } from '@app/testing';
import { type AccountBase, type Transaction } from 'plaid';
import { AccountsRepository } from '../accounts/accounts.repository';
import { InsightsRepository } from '../insights/insights.repository';
import { InsightsService } from '../insights/insights.service';
import { type SyncItem } from '../items/sync-items.repository';
import { RulesRepository } from '../rules/rules.repository';
import { RulesService } from '../rules/rules.service';
import { insertItem, makeAccount, makeTransaction, syncServiceTest } from '../spec-support';
import { TransactionChangesRepository } from './transaction-changes.repository';
import { TransactionEditsRepository } from './transaction-edits.repository';
import { TransactionEditsService } from './transaction-edits.service';
import { TransactionsEditedAnnouncer } from './transactions-edited.announcer';
import { TransactionsRepository } from './transactions.repository';
import { TransactionsService } from './transactions.service';
import { TransactionPagesRepository } from './transaction-pages.repository';
import { TransfersRepository } from './transfers.repository';

// Edits, rules, transfer pairs and spending over the real schema: what a sync writes and what the reads show.
describe(TransactionEditsService.name, () => {
  let db: TestDatabase;
  let harness: ServiceTest<TransactionEditsService>;
  let sut: TransactionEditsService;
  let writer: TransactionPagesRepository;
  let item: SyncItem;
  let checking: AccountBase;
  let card: AccountBase;

  beforeAll(async () => {
    harness = await syncServiceTest(TransactionEditsService, {
      real: [
        TransactionEditsRepository,
        TransactionsEditedAnnouncer,
        TransactionChangesRepository,
        TransactionsRepository,
        TransactionsService,
        TransactionPagesRepository,
        TransfersRepository,
        AccountsRepository,
        RulesRepository,
        RulesService,
        InsightsRepository,
        InsightsService,
      ],
    });
    db = harness.db;
    sut = harness.sut;
    writer = harness.get(TransactionPagesRepository);
  });

  beforeEach(async () => {
    item = await insertItem(db, null);
    checking = makeAccount();
    card = makeAccount({ name: 'Card', type: 'credit', subtype: 'credit card' } as Partial<AccountBase>);
    await db.dataSource.transaction((em) =>
      harness.get(AccountsRepository).upsertMany(em, item.itemId, item.userId, [checking, card]),
    );
  });

  afterAll(() => harness?.close());

  // One sync page: upserts then removes, in one transaction, as the sync run applies it.
  const page = (changed: Transaction[], removed: string[] = []): Promise<void> =>
    db.dataSource.transaction(async (em) => {
      await writer.upsert(em, item.itemId, item.userId, changed);
      await writer.remove(em, item.itemId, removed);
    });

  const get = async (id: string): Promise<TransactionDto> =>
    JSON.parse(await sut.get({ userId: item.userId, id })) as TransactionDto;

  const list = async (includeHidden = false): Promise<TransactionDto[]> =>
    (
      JSON.parse(
        await harness.get(TransactionsService).page({ userId: item.userId, includeHidden }),
      ) as TransactionPageDto
    ).data;

  const tx = (overrides: Partial<Transaction> = {}): Transaction =>
    makeTransaction(checking.account_id, overrides);

  it('answers the effective fields beside what Plaid said, and null clears an edit', async () => {
    const t = tx();
    await page([t]);

    await sut.edit({
      userId: item.userId,
      id: t.transaction_id,
      category: 'FOOD_AND_DRINK_RESTAURANT',
      note: 'lunch',
    });
    const edited = await get(t.transaction_id);
    await sut.edit({ userId: item.userId, id: t.transaction_id, category: null });
    const cleared = await get(t.transaction_id);

    expect(edited).toMatchObject({
      category: { primary: 'FOOD_AND_DRINK', detailed: 'FOOD_AND_DRINK_RESTAURANT' },
      plaidCategory: { primary: 'FOOD_AND_DRINK', detailed: 'FOOD_AND_DRINK_COFFEE' },
      note: 'lunch',
      hidden: false,
      excludeFromSpending: false,
      displayName: null,
      transferPairId: null,
    });
    expect(cleared).toMatchObject({ category: { detailed: 'FOOD_AND_DRINK_COFFEE' }, note: 'lunch' });
  });

  it('keeps an edit through a modified update from Plaid', async () => {
    const t = tx();
    await page([t]);
    await sut.edit({ userId: item.userId, id: t.transaction_id, displayName: 'Morning coffee' });

    await page([{ ...t, name: 'COFFEE 123', amount: 13 }]);

    expect(await get(t.transaction_id)).toMatchObject({
      displayName: 'Morning coffee',
      amount: 13,
      name: 'COFFEE 123',
    });
  });

  it('finds a transaction by the display name or note the user gave it', async () => {
    const t = tx({ name: 'SQ *XYZ 1234', merchant_name: null });
    await page([t, tx()]);
    await sut.edit({
      userId: item.userId,
      id: t.transaction_id,
      displayName: 'Farmers market',
      note: 'apples',
    });
    const search = async (text: string): Promise<string[]> =>
      (
        JSON.parse(
          await harness.get(TransactionsService).page({ userId: item.userId, search: text }),
        ) as TransactionPageDto
      ).data.map((x) => x.id);

    expect(await search('farmers')).toEqual([t.transaction_id]);
    expect(await search('APPLES')).toEqual([t.transaction_id]);
  });

  it('leaves hidden transactions out of the list unless includeHidden', async () => {
    const [a, b] = [tx(), tx()];
    await page([a, b]);

    await sut.edit({ userId: item.userId, id: a.transaction_id, hidden: true });

    expect((await list()).map((t) => t.id)).toEqual([b.transaction_id]);
    expect((await list(true)).map((t) => t.id).sort()).toEqual([a.transaction_id, b.transaction_id].sort());
  });

  it('moves the edit from pending to posted when both are on the same page', async () => {
    const pending = tx({ pending: true });
    await page([pending]);
    await sut.edit({
      userId: item.userId,
      id: pending.transaction_id,
      category: 'TRAVEL_FLIGHTS',
      note: 'trip',
    });
    const posted = tx({ pending_transaction_id: pending.transaction_id, amount: 14.5 });

    await page([posted], [pending.transaction_id]);

    expect(await get(posted.transaction_id)).toMatchObject({
      amount: 14.5,
      note: 'trip',
      category: { primary: 'TRAVEL', detailed: 'TRAVEL_FLIGHTS' },
    });
  });

  it('moves the edit from pending to posted across two pages, in either order', async () => {
    const [p1, p2] = [tx({ pending: true }), tx({ pending: true })];
    await page([p1, p2]);
    await sut.edit({ userId: item.userId, id: p1.transaction_id, note: 'one' });
    await sut.edit({ userId: item.userId, id: p2.transaction_id, note: 'two' });
    const [posted1, posted2] = [
      tx({ pending_transaction_id: p1.transaction_id }),
      tx({ pending_transaction_id: p2.transaction_id }),
    ];

    await page([], [p1.transaction_id]);
    await page([posted1]);
    await page([posted2]);
    await page([], [p2.transaction_id]);

    expect((await get(posted1.transaction_id)).note).toBe('one');
    expect((await get(posted2.transaction_id)).note).toBe('two');
  });

  it('leaves the edit with the pending id when the posted one does not name it, counted once as orphaned', async () => {
    const pending = tx({ pending: true });
    await page([pending]);
    await sut.edit({ userId: item.userId, id: pending.transaction_id, note: 'lost' });
    const posted = tx();

    await page([posted], [pending.transaction_id]);
    const edits = harness.get(TransactionEditsRepository);
    const first = await db.dataSource.transaction((em) => edits.markOrphans(em, item.itemId));
    const second = await db.dataSource.transaction((em) => edits.markOrphans(em, item.itemId));

    expect((await get(posted.transaction_id)).note).toBeNull();
    expect([first, second]).toEqual([1, 0]);
  });

  it('records an edit in the change log and announces it to the feed', async () => {
    const t = tx();
    await page([t]);
    const [{ seq }] = await db.dataSource.query<{ seq: string }[]>(
      `SELECT coalesce(max(seq), 0)::text AS seq FROM transaction_changes WHERE user_id = $1`,
      [item.userId],
    );

    await sut.edit({ userId: item.userId, id: t.transaction_id, note: 'x' });

    const log = await db.dataSource.query<{ transaction_id: string; kind: string }[]>(
      `SELECT transaction_id, kind FROM transaction_changes WHERE user_id = $1 AND seq > $2`,
      [item.userId, seq],
    );
    const events = await db.dataSource.query<{ payload: { itemId: string; modified: number } }[]>(
      `SELECT payload FROM outbox WHERE pattern = 'sync.transactions.edited.v1' AND payload->>'itemId' = $1`,
      [item.itemId],
    );
    expect(log).toEqual([{ transaction_id: t.transaction_id, kind: 'm' }]);
    expect(events.map((e) => e.payload.modified)).toEqual([1]);
  });

  it("answers 404 for another user's transaction", async () => {
    const t = tx();
    await page([t]);

    await expect(sut.edit({ userId: randomUUID(), id: t.transaction_id, note: 'x' })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
  });

  it('applies a rule to incoming transactions, and the user edit beats it', async () => {
    const rules = harness.get(RulesService);
    await rules.create({
      userId: item.userId,
      name: 'Coffee is a treat',
      match: { merchantName: 'blue bottle' },
      set: { category: 'ENTERTAINMENT_OTHER_ENTERTAINMENT', displayName: 'Treat' },
    });
    const [a, b] = [tx(), tx()];
    await page([a, b]);

    await sut.edit({ userId: item.userId, id: b.transaction_id, category: 'FOOD_AND_DRINK_COFFEE' });

    expect(await get(a.transaction_id)).toMatchObject({
      category: { primary: 'ENTERTAINMENT', detailed: 'ENTERTAINMENT_OTHER_ENTERTAINMENT' },
      displayName: 'Treat',
      plaidCategory: { detailed: 'FOOD_AND_DRINK_COFFEE' },
    });
    expect(await get(b.transaction_id)).toMatchObject({
      category: { primary: 'FOOD_AND_DRINK', detailed: 'FOOD_AND_DRINK_COFFEE' },
      displayName: 'Treat',
    });
  });

  it('applies a rule to existing transactions only when asked', async () => {
    const t = tx({ name: 'ACME RENT 11/01', merchant_name: null, amount: 1500 });
    await page([t]);
    const rules = harness.get(RulesService);

    await rules.create({
      userId: item.userId,
      name: 'Rent',
      match: { nameContains: 'acme rent' },
      set: { category: 'RENT_AND_UTILITIES_RENT' },
    });
    const before = await get(t.transaction_id);
    await rules.create({
      userId: item.userId,
      name: 'Hide big ones',
      priority: 5,
      match: { amountMin: 1000 },
      set: { excludeFromSpending: true },
      applyToExisting: true,
    });

    expect(before.category).toEqual({ primary: 'FOOD_AND_DRINK', detailed: 'FOOD_AND_DRINK_COFFEE' });
    expect(await get(t.transaction_id)).toMatchObject({
      category: { primary: 'RENT_AND_UTILITIES', detailed: 'RENT_AND_UTILITIES_RENT' },
      excludeFromSpending: true,
    });
  });

  it('rejects a rule without criteria or effects, and a rule on an account that is not yours', async () => {
    const rules = harness.get(RulesService);

    await expect(
      rules.create({ userId: item.userId, name: 'x', match: {}, set: { hidden: true } }),
    ).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    await expect(
      rules.create({ userId: item.userId, name: 'x', match: { nameContains: 'a' }, set: {} }),
    ).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    await expect(
      rules.create({
        userId: item.userId,
        name: 'x',
        match: { accountId: randomUUID() },
        set: { hidden: true },
      }),
    ).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('pairs a transfer between two accounts, leaves it out of spending, and an unpairing survives', async () => {
    const out = tx({
      amount: 250,
      date: '2026-11-03',
      name: 'PAYMENT TO CARD',
      merchant_name: null,
      personal_finance_category: { primary: 'LOAN_PAYMENTS', detailed: 'LOAN_PAYMENTS_CREDIT_CARD_PAYMENT' },
    });
    const into = makeTransaction(card.account_id, {
      amount: -250,
      date: '2026-11-05',
      name: 'PAYMENT THANK YOU',
      merchant_name: null,
      personal_finance_category: { primary: 'TRANSFER_IN', detailed: 'TRANSFER_IN_ACCOUNT_TRANSFER' },
    });
    const coffee = tx({ amount: 4.5, date: '2026-11-04' });
    await page([out, into, coffee]);
    const transfers = harness.get(TransfersRepository);

    await db.dataSource.transaction((em) => transfers.pair(em, item.userId, '2026-11-03', '2026-11-05'));
    const paired = await get(out.transaction_id);
    const spending = await harness
      .get(InsightsService)
      .spending({ userId: item.userId, groupBy: 'category' });
    await sut.edit({ userId: item.userId, id: into.transaction_id, transferPairId: null });
    await db.dataSource.transaction((em) => transfers.pair(em, item.userId, '2026-11-03', '2026-11-05'));

    expect(paired.transferPairId).not.toBeNull();
    expect((await get(into.transaction_id)).transferPairId).toBeNull();
    expect((await get(out.transaction_id)).transferPairId).toBeNull();
    expect(spending.groups).toEqual([
      { key: 'FOOD_AND_DRINK', currency: 'USD', outflow: 4.5, inflow: 0, count: 1 },
    ]);
    expect(spending.totals).toEqual([{ currency: 'USD', outflow: 4.5, inflow: 0, count: 1 }]);
  });

  it('unpairs the half whose other half is gone', async () => {
    const out = tx({ amount: 80, date: '2026-11-03' });
    const into = makeTransaction(card.account_id, { amount: -80, date: '2026-11-03' });
    await page([out, into]);
    const transfers = harness.get(TransfersRepository);
    await db.dataSource.transaction((em) => transfers.pair(em, item.userId, '2026-11-03', '2026-11-03'));
    const paired = (await get(out.transaction_id)).transferPairId;

    await page([], [into.transaction_id]);
    await db.dataSource.transaction((em) => transfers.pair(em, item.userId, null, null));

    expect(paired).not.toBeNull();
    expect((await get(out.transaction_id)).transferPairId).toBeNull();
  });

  it('totals spending per group and currency, without hidden or excluded transactions', async () => {
    const [a, b, c, d] = [
      tx({ amount: 10, date: '2026-10-01' }),
      tx({ amount: 20, date: '2026-11-01', iso_currency_code: 'EUR' }),
      tx({ amount: 30, date: '2026-11-02' }),
      tx({
        amount: -100,
        date: '2026-11-02',
        name: 'Salary',
        merchant_name: 'Acme',
        personal_finance_category: { primary: 'INCOME', detailed: 'INCOME_WAGES' },
      }),
    ];
    await page([a, b, c, d]);
    await sut.edit({ userId: item.userId, id: c.transaction_id, hidden: true });
    const insights = harness.get(InsightsService);

    const byMonth = await insights.spending({ userId: item.userId, groupBy: 'month' });
    const byMerchant = await insights.spending({
      userId: item.userId,
      groupBy: 'merchant',
      from: '2026-11-01',
    });

    expect(byMonth.groups).toEqual([
      { key: '2026-11', currency: 'EUR', outflow: 20, inflow: 0, count: 1 },
      { key: '2026-10', currency: 'USD', outflow: 10, inflow: 0, count: 1 },
      { key: '2026-11', currency: 'USD', outflow: 0, inflow: 100, count: 1 },
    ]);
    expect(byMerchant.totals).toEqual([
      { currency: 'EUR', outflow: 20, inflow: 0, count: 1 },
      { currency: 'USD', outflow: 0, inflow: 100, count: 1 },
    ]);
  });
});
