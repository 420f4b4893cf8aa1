import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { type ApiError } from '../../api/client';
import { useLiveCache } from '../../app/providers';
import { navigate, useLocation } from '../../app/router';
import { Dialog } from '../../components/dialog';
import { Empty, ErrorNotice, Loading, Page } from '../../components/ui';
import { formatMoney } from '../../lib/format';
import { categoriesQuery, categoryValueLabel } from '../transactions/api';
import { accountLabel, accountsQuery } from '../accounts/api';
import { createRule, deleteRule, type Rule, rulesQuery, updateRule } from './api';
import { draftFromRule, emptyDraft, type RuleDraft, RuleForm, ruleFromDraft } from './rule-form';

// Rules run in priority order (lower first); per field the first matching rule wins, and your own edits of a
// transaction win over every rule.
export function RulesScreen() {
  const { search } = useLocation();
  const queryClient = useQueryClient();
  const live = useLiveCache();
  const rules = useQuery(rulesQuery);
  const [editing, setEditing] = useState<Rule | 'new' | null>(search.get('new') ? 'new' : null);
  const [result, setResult] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Rule | null>(null);
  const list = rules.data?.data ?? [];
  const addButton = useRef<HTMLButtonElement>(null);
  const mark = useRef<number | null>(null);

  // What "apply to existing" changed, counted from the change feed (which the cache reads anyway).
  const afterSave = async (verb: string, applied: boolean, mark: number | null): Promise<void> => {
    await queryClient.invalidateQueries({ queryKey: ['rules'] });
    const count = applied && live ? await live.changedSince(mark) : null;
    setResult(
      !applied
        ? `Rule ${verb}. It applies to new transactions.`
        : count === null
          ? `Rule ${verb} and applied to your transactions.`
          : `Rule ${verb} and applied: ${count} transaction${count === 1 ? '' : 's'} changed.`,
    );
    void queryClient.invalidateQueries({ queryKey: ['transactions'] });
  };

  const save = useMutation({
    mutationFn: async (draft: RuleDraft) => {
      mark.current = live?.mark() ?? null;
      const body = ruleFromDraft(draft);
      if (editing && editing !== 'new') return updateRule(editing.id, body);
      const last = list.at(-1);
      return createRule({ ...body, priority: last ? last.priority + 10 : 100 });
    },
    onSuccess: async (_rule, draft) => {
      const verb = editing === 'new' ? 'created' : 'saved';
      setEditing(null);
      if (search.get('new')) navigate('/rules', { replace: true });
      await afterSave(verb, draft.applyToExisting, mark.current);
      addButton.current?.focus();
    },
  });

  // Moving a rule renumbers them all (10, 20, 30…) so that equal priorities never leave the order to age.
  const move = useMutation({
    mutationFn: async ({ index, by }: { index: number; by: -1 | 1 }) => {
      const order = [...list];
      const [rule] = order.splice(index, 1);
      order.splice(index + by, 0, rule);
      const changes = order.flatMap((r, i) =>
        (i + 1) * 10 === r.priority ? [] : [updateRule(r.id, { priority: (i + 1) * 10 })],
      );
      await Promise.all(changes);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['rules'] }),
  });

  const prefill = (): RuleDraft =>
    emptyDraft({
      name: search.get('name') ?? '',
      merchantName: search.get('merchantName') ?? '',
      nameContains: search.get('nameContains') ?? '',
      category: search.get('category'),
    });

  return (
    <Page
      title="Rules"
      actions={
        editing === null && (
          <button ref={addButton} type="button" className="primary" onClick={() => setEditing('new')}>
            New rule
          </button>
        )
      }
    >
      <p className="muted">
        Rules set a category, a name or hide transactions as they arrive. The first rule in this list wins;
        your own edits of a transaction always win over rules.
      </p>
      {result && (
        <p className="notice info" role="status">
          {result}
        </p>
      )}
      {editing !== null && (
        <RuleForm
          key={editing === 'new' ? 'new' : editing.id}
          title={editing === 'new' ? 'New rule' : `Edit “${editing.name}”`}
          submitLabel={editing === 'new' ? 'Create rule' : 'Save rule'}
          initial={editing === 'new' ? prefill() : draftFromRule(editing)}
          busy={save.isPending}
          error={save.error}
          onSubmit={(d) => save.mutate(d)}
          onCancel={() => {
            setEditing(null);
            save.reset();
            if (search.get('new')) navigate('/rules', { replace: true });
          }}
        />
      )}
      <ErrorNotice error={rules.error ?? move.error} />
      {rules.isPending && <Loading label="Loading your rules…" />}
      {rules.isSuccess && list.length === 0 && editing === null && (
        <Empty>
          <p>No rules yet.</p>
          <p>A rule files every coffee shop under Coffee, or hides the transfers you do not want to see.</p>
        </Empty>
      )}
      {list.length > 0 && (
        <ol className="rules" aria-label="Rules, first applied first">
          {list.map((r, i) => (
            <RuleItem
              key={r.id}
              rule={r}
              first={i === 0}
              last={i === list.length - 1}
              busy={move.isPending}
              onUp={() => move.mutate({ index: i, by: -1 })}
              onDown={() => move.mutate({ index: i, by: 1 })}
              onEdit={() => setEditing(r)}
              onDelete={() => setDeleting(r)}
            />
          ))}
        </ol>
      )}
      {deleting && (
        <ConfirmDelete
          rule={deleting}
          onClose={() => setDeleting(null)}
          onBeforeDelete={() => {
            mark.current = live?.mark() ?? null;
          }}
          onDeleted={(applied) => {
            setDeleting(null);
            void afterSave('deleted', applied, mark.current);
          }}
        />
      )}
    </Page>
  );
}

function RuleItem({
  rule,
  first,
  last,
  busy,
  onUp,
  onDown,
  onEdit,
  onDelete,
}: {
  rule: Rule;
  first: boolean;
  last: boolean;
  busy: boolean;
  onUp: () => void;
  onDown: () => void;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const accounts = useQuery(accountsQuery);
  const categories = useQuery(categoriesQuery);
  const account = accounts.data?.data.find((a) => a.id === rule.match.accountId);
  const when: string[] = [];
  if (rule.match.merchantName) when.push(`merchant is “${rule.match.merchantName}”`);
  if (rule.match.nameContains) when.push(`name contains “${rule.match.nameContains}”`);
  if (rule.match.accountId) when.push(`in ${account ? accountLabel(account) : 'one account'}`);
  const { amountMin: lo, amountMax: hi } = rule.match;
  if (lo !== undefined || hi !== undefined) {
    const incoming = (hi !== undefined && hi < 0) || (lo !== undefined && lo < 0);
    const [a, b] = incoming ? [hi, lo] : [lo, hi];
    const size = (n: number | undefined): string | null =>
      n === undefined || Math.abs(n) < 0.01 ? null : formatMoney(Math.abs(n), null);
    const range = [size(a) && `at least ${size(a)}`, size(b) && `at most ${size(b)}`]
      .filter(Boolean)
      .join(', ');
    when.push(`money ${incoming ? 'in' : 'out'}${range ? ` (${range})` : ''}`);
  }
  if (rule.match.plaidCategory)
    when.push(
      `Plaid's category is ${categoryValueLabel(rule.match.plaidCategory, categories.data?.data ?? [])}`,
    );
  const then: string[] = [];
  if (rule.set.category)
    then.push(`category ${categoryValueLabel(rule.set.category, categories.data?.data ?? [])}`);
  if (rule.set.displayName) then.push(`rename to “${rule.set.displayName}”`);
  if (rule.set.hidden) then.push('hide');
  if (rule.set.excludeFromSpending) then.push('leave out of spending');
  return (
    <li className="rule">
      <div className="rule-head">
        <h2>{rule.name}</h2>
        <div className="actions">
          {/* aria-disabled, not disabled: the button a user just pressed keeps focus when its rule reaches the top */}
          <button type="button" onClick={() => !first && !busy && onUp()} aria-disabled={busy || first}>
            Move up<span className="sr-only"> {rule.name}</span>
          </button>
          <button type="button" onClick={() => !last && !busy && onDown()} aria-disabled={busy || last}>
            Move down<span className="sr-only"> {rule.name}</span>
          </button>
          <button type="button" onClick={onEdit}>
            Edit<span className="sr-only"> {rule.name}</span>
          </button>
          <button type="button" className="danger" onClick={onDelete}>
            Delete<span className="sr-only"> {rule.name}</span>
          </button>
        </div>
      </div>
      <p>
        <span className="muted">When </span>
        {when.join(' and ') || 'any transaction'}
        <span className="muted"> → </span>
        {then.join(', ')}
      </p>
    </li>
  );
}

function ConfirmDelete({
  rule,
  onClose,
  onBeforeDelete,
  onDeleted,
}: {
  rule: Rule;
  onClose: () => void;
  onBeforeDelete: () => void;
  onDeleted: (applied: boolean) => void;
}) {
  const [reapply, setReapply] = useState(true);
  const remove = useMutation<void, ApiError>({
    mutationFn: () => {
      onBeforeDelete();
      return deleteRule(rule.id, reapply);
    },
    onSuccess: () => onDeleted(reapply),
  });
  return (
    <Dialog title={`Delete “${rule.name}”?`} onClose={onClose}>
      <p>Transactions it already changed keep their changes unless the remaining rules are applied again.</p>
      <label>
        <input type="checkbox" checked={reapply} onChange={(e) => setReapply(e.target.checked)} /> Apply the
        remaining rules to my transactions again
      </label>
      <ErrorNotice error={remove.error} />
      <div className="actions">
        <button
          type="button"
          className="danger"
          aria-disabled={remove.isPending}
          onClick={() => !remove.isPending && remove.mutate()}
        >
          {remove.isPending ? 'Deleting…' : 'Delete rule'}
        </button>
        <button type="button" onClick={onClose} data-autofocus>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
