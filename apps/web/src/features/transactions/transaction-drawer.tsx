import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { navigate } from '../../app/router';
import { Dialog } from '../../components/dialog';
import { ErrorNotice, Loading } from '../../components/ui';
import { categoryLabel, formatDate, formatMoney, formatSigned } from '../../lib/format';
import { accountLabel, accountsQuery } from '../accounts/api';
import { type Transaction, type TransactionList, transactionQuery } from './api';
import { CategoryPicker } from './category-picker';
import { useEditTransaction } from './use-edit';

// One transaction: what Plaid said beside what applies (your edits, else a rule), and the edits themselves.
export function TransactionDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const t = useQuery(transactionQuery(id));
  return (
    <Dialog
      title={t.data ? (t.data.displayName ?? t.data.merchantName ?? t.data.name) : 'Transaction'}
      onClose={onClose}
      className="drawer"
    >
      <button type="button" className="drawer-close" onClick={onClose} data-autofocus>
        Close
      </button>
      <ErrorNotice error={t.error} />
      {t.isPending && <Loading label="Loading the transaction…" />}
      {t.data && <Details t={t.data} />}
    </Dialog>
  );
}

function Details({ t }: { t: Transaction }) {
  const accounts = useQuery(accountsQuery);
  const account = accounts.data?.data.find((a) => a.id === t.accountId);
  const edit = useEditTransaction();
  const [saved, setSaved] = useState<string | null>(null);
  const [displayName, setDisplayName] = useState(t.displayName ?? '');
  const [note, setNote] = useState(t.note ?? '');
  useEffect(() => {
    setDisplayName(t.displayName ?? '');
    setNote(t.note ?? '');
  }, [t.id, t.displayName, t.note]);

  const save = (change: Parameters<typeof edit.mutate>[0]['edit'], what: string): void => {
    setSaved(null);
    edit.mutate({ id: t.id, edit: change }, { onSuccess: () => setSaved(`${what} saved.`) });
  };
  const saveText = (e: FormEvent): void => {
    e.preventDefault();
    if (edit.isPending) return;
    save({ displayName: displayName.trim() || null, note: note.trim() || null }, 'Name and note');
  };

  const ruleFrom = (): void => {
    const params = new URLSearchParams({ new: '1', name: t.merchantName ?? t.name });
    if (t.merchantName) params.set('merchantName', t.merchantName);
    else params.set('nameContains', t.name);
    if (t.category?.detailed ?? t.category?.primary)
      params.set('category', (t.category.detailed ?? t.category.primary) as string);
    navigate(`/rules?${params.toString()}`);
  };

  return (
    <div className="drawer-body">
      <p className={`amount-large t-amount ${t.amount < 0 ? 'in' : 'out'}`}>
        {formatSigned(t.amount, t.isoCurrencyCode)}
        <span className="muted"> {t.amount < 0 ? 'money in' : 'money out'}</span>
      </p>
      <dl className="facts">
        <dt>Date</dt>
        <dd>
          {formatDate(t.date)}
          {t.pending && ' (pending)'}
        </dd>
        {t.authorizedDate && t.authorizedDate !== t.date && (
          <>
            <dt>Authorized</dt>
            <dd>{formatDate(t.authorizedDate)}</dd>
          </>
        )}
        <dt>Account</dt>
        <dd>{account ? accountLabel(account) : '—'}</dd>
        <dt>Category</dt>
        <dd>{categoryLabel(t.category)}</dd>
        <dt>Name at the bank</dt>
        <dd>{t.name}</dd>
        <dt>Merchant (Plaid)</dt>
        <dd>{t.merchantName ?? '—'}</dd>
        <dt>Category (Plaid)</dt>
        <dd>{categoryLabel(t.plaidCategory)}</dd>
        {t.paymentChannel && (
          <>
            <dt>Channel</dt>
            <dd>{t.paymentChannel}</dd>
          </>
        )}
      </dl>

      {t.transferPairId && (
        <TransferPair t={t} onUnpair={() => save({ transferPairId: null }, 'Unpairing')} />
      )}

      <h3>Your edits</h3>
      <ErrorNotice error={edit.error} />
      {saved && (
        <p className="notice info" role="status">
          {saved}
        </p>
      )}
      <CategoryPicker
        label="Category"
        value={t.category?.detailed ?? t.category?.primary ?? null}
        onChange={(category) => save({ category }, 'Category')}
      />
      <form onSubmit={saveText} className="edit-form">
        <div className="field">
          <label htmlFor="t-display">Display name</label>
          <input
            id="t-display"
            value={displayName}
            maxLength={200}
            placeholder={t.merchantName ?? t.name}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="t-note">Note</label>
          <textarea
            id="t-note"
            value={note}
            maxLength={2000}
            rows={2}
            onChange={(e) => setNote(e.target.value)}
          />
        </div>
        <button type="submit" aria-disabled={edit.isPending}>
          Save name and note
        </button>
      </form>
      <div className="checks">
        <label>
          <input
            type="checkbox"
            checked={t.hidden}
            onChange={(e) => save({ hidden: e.target.checked }, 'Hidden')}
          />{' '}
          Hide from lists and totals
        </label>
        <label>
          <input
            type="checkbox"
            checked={t.excludeFromSpending}
            onChange={(e) => save({ excludeFromSpending: e.target.checked }, 'Spending')}
          />{' '}
          Leave out of spending
        </label>
      </div>
      <p>
        <button type="button" onClick={ruleFrom}>
          Create a rule from this
        </button>
      </p>
    </div>
  );
}

// The other half, when a loaded list holds it (the API pairs them by transferPairId).
function TransferPair({ t, onUnpair }: { t: Transaction; onUnpair: () => void }) {
  const queryClient = useQueryClient();
  const other = queryClient
    .getQueriesData<TransactionList>({ queryKey: ['transactions', 'list'] })
    .flatMap(([, list]) => list?.pages.flatMap((p) => p.data) ?? [])
    .find((r) => r.transferPairId === t.transferPairId && r.id !== t.id);
  return (
    <section className="transfer" aria-labelledby="transfer-title">
      <h3 id="transfer-title">Transfer between your accounts</h3>
      <p>
        {other
          ? `Paired with ${formatMoney(Math.abs(other.amount), other.isoCurrencyCode)} ${other.amount < 0 ? 'in' : 'out'} on ${formatDate(other.date)} (${other.name}).`
          : 'Paired with the matching transaction in your other account.'}{' '}
        Transfers are left out of spending.
      </p>
      <button type="button" onClick={onUnpair}>
        Not a transfer: unpair
      </button>
    </section>
  );
}
