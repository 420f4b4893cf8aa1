import { type FormEvent, type InputHTMLAttributes, useEffect, useState } from 'react';
import { type Account, accountLabel } from '../accounts/api';
import { type Item } from '../connections/api';
import { FILTER_KEYS, type Filters } from './api';

// One labelled input of the filter form, bound to one filter of the draft.
function FilterInput({
  name,
  label,
  draft,
  set,
  ...input
}: {
  name: keyof Filters;
  label: string;
  draft: Filters;
  set: (k: keyof Filters, v: string) => void;
} & Pick<InputHTMLAttributes<HTMLInputElement>, 'type' | 'inputMode' | 'step' | 'min' | 'disabled'>) {
  const id = `f-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} {...input} value={draft[name] ?? ''} onChange={(e) => set(name, e.target.value)} />
    </div>
  );
}

const AMOUNT = { type: 'number', inputMode: 'decimal', step: '0.01', min: '0' } as const;

// The filters of the transactions list (and of insights: `only` picks which apply). Applying changes the URL;
// focus stays on the control the user was on.
export function FilterForm({
  filters,
  items,
  accounts,
  onApply,
  only = FILTER_KEYS,
  label = 'Filter transactions',
}: {
  filters: Filters;
  items: Item[];
  accounts: Account[];
  onApply: (next: Filters) => void;
  only?: readonly (keyof Filters)[];
  label?: string;
}) {
  const [draft, setDraft] = useState<Filters>(filters);
  const [wide] = useState(() => window.matchMedia?.('(min-width: 40rem)').matches ?? true);
  const [problem, setProblem] = useState<string | null>(null);
  // The form stays mounted across applies (focus stays where it was); the URL's filters replace the draft.
  const applied = JSON.stringify(filters);
  useEffect(() => setDraft(JSON.parse(applied) as Filters), [applied]);
  const set = (k: keyof Filters, v: string): void => setDraft((d) => ({ ...d, [k]: v }));
  const has = (k: keyof Filters): boolean => only.includes(k);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    // Said in the user's words before the API has to refuse it.
    if (draft.from && draft.to && draft.from > draft.to) {
      setProblem('The start date is after the end date.');
      return;
    }
    if (draft.amountFrom && draft.amountTo && Number(draft.amountFrom) > Number(draft.amountTo)) {
      setProblem('The smallest amount is larger than the largest.');
      return;
    }
    setProblem(null);
    const next: Filters = {};
    for (const k of only) if (draft[k]) next[k] = draft[k];
    if (!next.direction) {
      delete next.amountFrom;
      delete next.amountTo;
    }
    onApply(next);
  };
  const shownAccounts = accounts.filter((a) => !draft.itemId || a.itemId === draft.itemId);
  const active = only.filter((k) => filters[k]).length;
  const directed = draft.direction === 'in' || draft.direction === 'out';

  return (
    // Open on a wide screen; on a phone the list comes first and the filters one tap away.
    <details className="filters-box" open={wide || active > 0}>
      <summary>Filters{active > 0 ? ` (${active})` : ''}</summary>
      <form className="filters" onSubmit={submit} aria-label={label} noValidate>
        {has('search') && <FilterInput name="search" label="Search" type="search" draft={draft} set={set} />}
        <div className="field">
          <label htmlFor="f-item">Bank</label>
          <select
            id="f-item"
            value={draft.itemId ?? ''}
            onChange={(e) => setDraft((d) => ({ ...d, itemId: e.target.value, accountId: '' }))}
          >
            <option value="">All banks</option>
            {items.map((i) => (
              <option key={i.id} value={i.id}>
                {i.institutionName ?? 'Bank'}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-account">Account</label>
          <select
            id="f-account"
            value={draft.accountId ?? ''}
            onChange={(e) => set('accountId', e.target.value)}
          >
            <option value="">All accounts</option>
            {shownAccounts.map((a) => (
              <option key={a.id} value={a.id}>
                {accountLabel(a)}
              </option>
            ))}
          </select>
        </div>
        <FilterInput name="from" label="From" type="date" draft={draft} set={set} />
        <FilterInput name="to" label="To" type="date" draft={draft} set={set} />
        {has('pending') && (
          <div className="field">
            <label htmlFor="f-pending">Status</label>
            <select
              id="f-pending"
              value={draft.pending ?? ''}
              onChange={(e) => set('pending', e.target.value)}
            >
              <option value="">Posted and pending</option>
              <option value="true">Pending only</option>
              <option value="false">Posted only</option>
            </select>
          </div>
        )}
        {has('direction') && (
          <>
            <div className="field">
              <label htmlFor="f-direction">Money</label>
              <select
                id="f-direction"
                value={draft.direction ?? ''}
                onChange={(e) => set('direction', e.target.value)}
              >
                <option value="">In and out</option>
                <option value="in">Money in (income, refunds)</option>
                <option value="out">Money out (spending)</option>
              </select>
            </div>
            <FilterInput
              name="amountFrom"
              label="Amount at least"
              {...AMOUNT}
              disabled={!directed}
              draft={draft}
              set={set}
            />
            <FilterInput
              name="amountTo"
              label="Amount at most"
              {...AMOUNT}
              disabled={!directed}
              draft={draft}
              set={set}
            />
          </>
        )}
        {problem && (
          <p className="notice error filter-problem" role="alert">
            {problem}
          </p>
        )}
        {has('direction') && !directed && (
          <p className="hint filter-hint">Choose money in or out to filter by amount.</p>
        )}
        <div className="filter-actions">
          <button className="primary" type="submit">
            Apply
          </button>
          <button type="button" onClick={() => onApply({})}>
            Clear
          </button>
        </div>
      </form>
    </details>
  );
}
