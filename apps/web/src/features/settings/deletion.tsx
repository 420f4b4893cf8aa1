import './settings.css';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { navigate } from '../../app/router';
import { type DeletionStatus, readDeletion } from './api';

// An account deletion in progress outlives the session it ended: the app shows its progress in place of the
// login page until it completes. Kept in memory only (its status link carries a token).
let statusUrl: string | null = null;
const listeners = new Set<() => void>();

export function startDeletionProgress(url: string): void {
  statusUrl = url;
  listeners.forEach((l) => l());
}

function clear(): void {
  statusUrl = null;
  listeners.forEach((l) => l());
}

export function useDeletionInProgress(): string | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => statusUrl,
  );
}

const STEPS: Record<DeletionStatus['step'], string> = {
  removing_items: 'Removing your bank connections at Plaid…',
  deleting_data: 'Deleting your accounts, transactions and settings…',
  completed: 'Your account and everything in it are deleted.',
};
// A step that is behind the user reads as done, not as still running.
const DONE: Partial<Record<DeletionStatus['step'], string>> = {
  removing_items: 'Your bank connections are removed at Plaid.',
  deleting_data: 'Your accounts, transactions and settings are deleted.',
};
const ORDER: DeletionStatus['step'][] = ['removing_items', 'deleting_data', 'completed'];

export function DeletionProgress({ url }: { url: string }) {
  const [status, setStatus] = useState<DeletionStatus | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    let timer = 0;
    const poll = async (): Promise<void> => {
      try {
        const next = await readDeletion(url);
        if (stop) return;
        setStatus(next);
        setProblem(null);
        if (next.status === 'completed') return;
      } catch {
        if (!stop) setProblem('Checking the progress again shortly…');
      }
      if (!stop) timer = window.setTimeout(() => void poll(), 1000);
    };
    void poll();
    return () => {
      stop = true;
      window.clearTimeout(timer);
    };
  }, [url]);
  const done = status?.status === 'completed';
  const at = status ? ORDER.indexOf(status.step) : 0;
  return (
    <main id="main" className="deletion">
      <h1>{done ? 'Account deleted' : 'Deleting your account'}</h1>
      <progress max={ORDER.length - 1} value={done ? ORDER.length - 1 : at} aria-label="Deletion progress" />
      <ol className="steps">
        {ORDER.map((step, i) => {
          const behind = i < at || (done && i < ORDER.length - 1);
          return (
            <li
              key={step}
              aria-current={status?.step === step ? 'step' : undefined}
              className={behind ? 'done' : ''}
            >
              {behind ? (DONE[step] ?? STEPS[step]) : STEPS[step]}
            </li>
          );
        })}
      </ol>
      <p role="status">
        {done
          ? 'You are signed out. Thank you for having used Ledger.'
          : (problem ?? 'Please keep this page open.')}
      </p>
      {done && (
        <div className="actions">
          <button
            type="button"
            className="primary"
            onClick={() => {
              clear();
              navigate('/signup');
            }}
          >
            Sign up again
          </button>
          <button
            type="button"
            onClick={() => {
              clear();
              navigate('/login');
            }}
          >
            Go to the login page
          </button>
        </div>
      )}
    </main>
  );
}
