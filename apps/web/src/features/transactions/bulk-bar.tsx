import { useState } from 'react';
import { type ApiError } from '../../api/client';
import { ErrorNotice } from '../../components/ui';
import { type Transaction } from './api';
import { CategoryPicker } from './category-picker';
import { useEditTransaction } from './use-edit';

// Several selected transactions at once: one category, or hidden. The API edits one at a time; the edits run
// a few in parallel and the bar says how many went through.
export function BulkBar({
  ids,
  rows,
  onDone,
}: {
  ids: string[];
  rows: Transaction[];
  onDone: (message?: string) => void;
}) {
  const edit = useEditTransaction();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const count = ids.filter((id) => rows.some((r) => r.id === id)).length;

  const apply = async (change: { category?: string; hidden?: boolean }, what: string): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setError(null);
    let done = 0;
    const queue = [...ids];
    const worker = async (): Promise<void> => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        try {
          await edit.mutateAsync({ id, edit: change });
          done++;
        } catch (err) {
          setError(err as ApiError);
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    setBusy(false);
    const message = `${what}: ${done} of ${ids.length} transactions updated.`;
    if (done === ids.length) onDone(message);
    else setResult(message);
  };

  return (
    <section className="bulk" aria-label="Selected transactions">
      <p>
        <strong>{count} selected</strong>
      </p>
      <CategoryPicker
        label="Set category"
        value={null}
        onChange={(c) => void apply({ category: c }, 'Category')}
      />
      <button type="button" onClick={() => void apply({ hidden: true }, 'Hidden')} aria-disabled={busy}>
        Hide selected
      </button>
      <button type="button" onClick={() => onDone()}>
        Clear selection
      </button>
      <ErrorNotice error={error} />
      {result && (
        <p className="notice info" role="status">
          {result}
        </p>
      )}
    </section>
  );
}
