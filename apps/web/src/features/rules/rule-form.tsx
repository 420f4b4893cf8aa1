import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type ApiError } from '../../api/client';
import { ErrorNotice } from '../../components/ui';
import { accountLabel, accountsQuery } from '../accounts/api';
import { CategoryPicker } from '../transactions/category-picker';
import { type Rule, type RuleInput } from './api';

export interface RuleDraft {
  name: string;
  merchantName: string;
  nameContains: string;
  accountId: string;
  direction: '' | 'in' | 'out';
  amountFrom: string;
  amountTo: string;
  category: string | null;
  displayName: string;
  hidden: boolean;
  excludeFromSpending: boolean;
  applyToExisting: boolean;
}

export const emptyDraft = (over: Partial<RuleDraft> = {}): RuleDraft => ({
  name: '',
  merchantName: '',
  nameContains: '',
  accountId: '',
  direction: '',
  amountFrom: '',
  amountTo: '',
  category: null,
  displayName: '',
  hidden: false,
  excludeFromSpending: false,
  applyToExisting: true,
  ...over,
});

// A rule's amounts are in Plaid's sign (positive = money out); the form speaks of money in or out and a size.
export function draftFromRule(rule: Rule): RuleDraft {
  const { amountMin, amountMax } = rule.match;
  const incoming = (amountMax !== undefined && amountMax < 0) || (amountMin !== undefined && amountMin < 0);
  const direction: RuleDraft['direction'] =
    amountMin === undefined && amountMax === undefined ? '' : incoming ? 'in' : 'out';
  const size = (n: number | undefined): string => (n === undefined ? '' : String(Math.abs(n)));
  return emptyDraft({
    name: rule.name,
    merchantName: rule.match.merchantName ?? '',
    nameContains: rule.match.nameContains ?? '',
    accountId: rule.match.accountId ?? '',
    direction,
    amountFrom: direction === 'in' ? size(amountMax) : size(amountMin),
    amountTo: direction === 'in' ? size(amountMin) : size(amountMax),
    category: rule.set.category ?? null,
    displayName: rule.set.displayName ?? '',
    hidden: rule.set.hidden ?? false,
    excludeFromSpending: rule.set.excludeFromSpending ?? false,
    applyToExisting: false,
  });
}

export function ruleFromDraft(d: RuleDraft): Omit<RuleInput, 'priority'> {
  const match: RuleInput['match'] = {};
  if (d.merchantName.trim()) match.merchantName = d.merchantName.trim();
  if (d.nameContains.trim()) match.nameContains = d.nameContains.trim();
  if (d.accountId) match.accountId = d.accountId;
  const lo = d.amountFrom ? Number(d.amountFrom) : undefined;
  const hi = d.amountTo ? Number(d.amountTo) : undefined;
  if (d.direction === 'out') {
    match.amountMin = lo ?? 0.000001;
    if (hi !== undefined) match.amountMax = hi;
  } else if (d.direction === 'in') {
    match.amountMax = -(lo ?? 0.000001);
    if (hi !== undefined) match.amountMin = -hi;
  }
  const set: RuleInput['set'] = {};
  if (d.category) set.category = d.category;
  if (d.displayName.trim()) set.displayName = d.displayName.trim();
  if (d.hidden) set.hidden = true;
  if (d.excludeFromSpending) set.excludeFromSpending = true;
  return { name: d.name.trim(), match, set, applyToExisting: d.applyToExisting };
}

// What the form can say before the API has to: in the user's words.
export function draftProblem(d: RuleDraft): string | null {
  if (!d.name.trim()) return 'Give the rule a name.';
  if (!d.merchantName.trim() && !d.nameContains.trim() && !d.accountId && !d.direction)
    return 'Say which transactions it applies to: a merchant, words in the name, an account or an amount.';
  if (!d.category && !d.displayName.trim() && !d.hidden && !d.excludeFromSpending)
    return 'Say what it does: a category, a name, hide, or leave out of spending.';
  if (d.amountFrom && d.amountTo && Number(d.amountFrom) > Number(d.amountTo))
    return 'The smallest amount is larger than the largest.';
  return null;
}

export function RuleForm({
  initial,
  title,
  submitLabel,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  initial: RuleDraft;
  title: string;
  submitLabel: string;
  busy: boolean;
  error: ApiError | null;
  onSubmit: (draft: RuleDraft) => void;
  onCancel: () => void;
}) {
  const accounts = useQuery(accountsQuery);
  const [d, setD] = useState<RuleDraft>(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const set = <K extends keyof RuleDraft>(k: K, v: RuleDraft[K]): void => setD((x) => ({ ...x, [k]: v }));
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    const p = draftProblem(d);
    setProblem(p);
    if (!p) onSubmit(d);
  };
  const directed = d.direction !== '';
  return (
    <form className="rule-form" onSubmit={submit} aria-label={title} noValidate>
      <h2>{title}</h2>
      {problem && (
        <p className="notice error" role="alert">
          {problem}
        </p>
      )}
      <ErrorNotice error={error} />
      <div className="field">
        <label htmlFor="r-name">Name</label>
        <input id="r-name" value={d.name} onChange={(e) => set('name', e.target.value)} />
      </div>
      <fieldset>
        <legend>When a transaction…</legend>
        <div className="field">
          <label htmlFor="r-merchant">Merchant is</label>
          <input
            id="r-merchant"
            value={d.merchantName}
            onChange={(e) => set('merchantName', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="r-contains">Name contains</label>
          <input
            id="r-contains"
            value={d.nameContains}
            onChange={(e) => set('nameContains', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="r-account">Account</label>
          <select id="r-account" value={d.accountId} onChange={(e) => set('accountId', e.target.value)}>
            <option value="">Any account</option>
            {accounts.data?.data.map((a) => (
              <option key={a.id} value={a.id}>
                {accountLabel(a)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="r-direction">Money</label>
          <select
            id="r-direction"
            value={d.direction}
            onChange={(e) => set('direction', e.target.value as RuleDraft['direction'])}
          >
            <option value="">In or out</option>
            <option value="in">Money in</option>
            <option value="out">Money out</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="r-from">Amount at least</label>
          <input
            id="r-from"
            type="number"
            inputMode="decimal"
            min="0"
            step="0.01"
            disabled={!directed}
            value={d.amountFrom}
            onChange={(e) => set('amountFrom', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="r-to">Amount at most</label>
          <input
            id="r-to"
            type="number"
            inputMode="decimal"
            min="0"
            step="0.01"
            disabled={!directed}
            value={d.amountTo}
            onChange={(e) => set('amountTo', e.target.value)}
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>…then</legend>
        <CategoryPicker label="Set category" value={d.category} onChange={(c) => set('category', c)} />
        <div className="field">
          <label htmlFor="r-display">Rename to</label>
          <input id="r-display" value={d.displayName} onChange={(e) => set('displayName', e.target.value)} />
        </div>
        <label>
          <input type="checkbox" checked={d.hidden} onChange={(e) => set('hidden', e.target.checked)} /> Hide
          it
        </label>
        <label>
          <input
            type="checkbox"
            checked={d.excludeFromSpending}
            onChange={(e) => set('excludeFromSpending', e.target.checked)}
          />{' '}
          Leave it out of spending
        </label>
      </fieldset>
      <label>
        <input
          type="checkbox"
          checked={d.applyToExisting}
          onChange={(e) => set('applyToExisting', e.target.checked)}
        />{' '}
        Also apply to the transactions I already have
      </label>
      <div className="actions">
        <button type="submit" className="primary" aria-disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
