import './connections.css';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type ApiError, toApiError } from '../../api/client';
import { Link } from '../../app/router';
import { Dialog } from '../../components/dialog';
import { Empty, ErrorNotice, Loading, Page } from '../../components/ui';
import { formatDateTime, formatWait } from '../../lib/format';
import { useCountdown } from '../../lib/use-countdown';
import {
  createLinkToken,
  exchangePublicToken,
  getConfig,
  type Item,
  itemsQuery,
  refreshItemAccounts,
  removeItem,
  syncItem,
} from './api';
import { openLink } from './link';
import { guidance } from './item-guidance';
import { StatusBadge } from './status-badge';

const NOTICE_MS = 12_000;

type Mode = 'link' | 'repair' | 'share';

interface Outcome {
  message: string;
  tone: 'info' | 'warn';
}

// After a repair, the sync that marks the item healthy again. The repair has its own short limit on the server
// (a manual sync moments earlier does not block it); if it still meets a wait, it waits it out once and asks
// again, and a sync that cannot start is said, never swallowed.
async function syncAfterRepair(itemId: string): Promise<Outcome> {
  try {
    await syncItem(itemId);
    return { message: 'Connection fixed. Syncing…', tone: 'info' };
  } catch (err) {
    const e = toApiError(err);
    if (e.status === 429 && e.retryAfterSeconds && e.retryAfterSeconds <= 15) {
      await new Promise((r) => window.setTimeout(r, e.retryAfterSeconds! * 1000));
      return syncAfterRepair(itemId);
    }
    return {
      message:
        e.status === 429 && e.retryAfterSeconds
          ? `Connection fixed, but it cannot sync yet. Use "Sync now" in ${formatWait(e.retryAfterSeconds)}.`
          : `Connection fixed, but the sync could not start: ${e.message}`,
      tone: 'warn',
    };
  }
}

// Opens Link (a new item, update mode to repair `itemId`, or its account selection to share new accounts),
// then exchanges the public token, syncs the repaired item or applies the selection.
async function connect(mode: Mode, itemId?: string): Promise<Outcome | null> {
  const [config, token] = await Promise.all([getConfig(), createLinkToken(itemId, mode === 'share')]);
  const outcome = await openLink(config.link, token.linkToken, itemId !== undefined);
  if (outcome.kind === 'exit') return outcome.message ? { message: outcome.message, tone: 'warn' } : null;
  if (mode === 'link' || itemId === undefined) {
    const { item } = await exchangePublicToken(outcome.publicToken);
    return {
      message: `${item.institutionName ?? outcome.institutionName ?? 'Your bank'} is connected. Fetching accounts…`,
      tone: 'info',
    };
  }
  if (mode === 'share') {
    const accounts = await refreshItemAccounts(itemId);
    const n = accounts.data.filter((a) => a.status === 'active').length;
    return {
      message: `Shared accounts updated: ${n} ${n === 1 ? 'account is' : 'accounts are'} shared now.`,
      tone: 'info',
    };
  }
  return syncAfterRepair(itemId);
}

export function ItemsScreen() {
  const queryClient = useQueryClient();
  const items = useQuery(itemsQuery);
  const reload = (): void => void queryClient.invalidateQueries({ queryKey: ['items'] });
  const [notice, setNotice] = useState<Outcome | null>(null);
  const [error, setError] = useState<ApiError>();
  const [linking, setLinking] = useState(false);
  // A link's or a repair's notice says what happens next; once the list shows it, it goes.
  useEffect(() => {
    if (!notice) return;
    const t = window.setTimeout(() => setNotice(null), NOTICE_MS);
    return () => window.clearTimeout(t);
  }, [notice]);

  const run = async (mode: Mode, itemId?: string): Promise<void> => {
    if (linking) return;
    setLinking(true);
    setError(undefined);
    setNotice(null);
    try {
      setNotice(await connect(mode, itemId));
      reload();
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setLinking(false);
    }
  };

  return (
    <Page
      title="Connections"
      actions={
        <button className="primary" type="button" onClick={() => void run('link')} aria-disabled={linking}>
          {linking ? 'Linking…' : 'Link a bank'}
        </button>
      }
    >
      {notice && (
        <p className={`notice ${notice.tone}`} role="status">
          {notice.message}
          {notice.message.includes('is connected') && (
            <>
              {' '}
              <Link to="/overview">See your overview</Link>
            </>
          )}
        </p>
      )}
      <ErrorNotice error={error} />
      <ErrorNotice error={items.error} />
      {items.isPending && <Loading label="Loading your connections…" />}
      {items.data?.data.length === 0 && (
        <Empty>
          <p>No bank connected yet.</p>
          <p>Link a bank to see its accounts and transactions here.</p>
        </Empty>
      )}
      <ul className="cards">
        {items.data?.data.map((item) => (
          <ItemCard
            key={item.id}
            item={item}
            onFix={(mode) => void run(mode, item.id)}
            onChanged={reload}
            busy={linking}
          />
        ))}
      </ul>
    </Page>
  );
}

function ItemCard({
  item,
  onFix,
  onChanged,
  busy,
}: {
  item: Item;
  onFix: (mode: Mode) => void;
  onChanged: () => void;
  busy: boolean;
}) {
  const [error, setError] = useState<ApiError>();
  const [notice, setNotice] = useState<string | null>(null);
  const [wait, startWait] = useCountdown();
  const [confirming, setConfirming] = useState(false);
  const name = item.institutionName ?? 'Bank';
  const help = guidance(item);

  const sync = async (): Promise<void> => {
    setError(undefined);
    setNotice(null);
    try {
      await syncItem(item.id);
      setNotice('Sync requested.');
    } catch (err) {
      const apiError = toApiError(err);
      if (apiError.retryAfterSeconds) startWait(apiError.retryAfterSeconds);
      else setError(apiError);
    }
  };

  return (
    <li className="card" aria-labelledby={`item-${item.id}`}>
      <div className="card-head">
        <h2 id={`item-${item.id}`}>{name}</h2>
        <StatusBadge item={item} />
      </div>
      {help.headline && (
        <div className={`item-help item-help-${item.status}`}>
          {/* The bank's message (Plaid's display_message, or our words for its code) says it best when there is
              one; our headline otherwise. */}
          <p className="item-headline">
            {item.error && item.status !== 'healthy' ? item.error.message : help.headline}
          </p>
          {help.todo && <p>{help.todo}</p>}
        </div>
      )}
      <p className="muted">
        {item.lastSyncedAt ? `Last synced ${formatDateTime(item.lastSyncedAt)}` : 'Not synced yet'}
        {item.stale && ' · the data may be out of date'}
      </p>
      {notice && wait === 0 && (
        <p className="notice info" role="status">
          {notice}
        </p>
      )}
      {wait > 0 && (
        <p className="notice warn" role="status">
          A sync was asked for moments ago. Try again in {formatWait(wait)}.
        </p>
      )}
      <ErrorNotice error={error} />
      <div className="actions">
        <button type="button" onClick={() => void sync()} disabled={wait > 0 || item.status === 'revoked'}>
          Sync now<span className="sr-only"> {name}</span>
        </button>
        {help.action && (
          <button
            type="button"
            className="primary"
            onClick={() => help.action && onFix(help.action)}
            aria-disabled={busy}
          >
            {help.actionLabel}
            <span className="sr-only"> {name}</span>
          </button>
        )}
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Remove<span className="sr-only"> {name}</span>
        </button>
      </div>
      {confirming && (
        <ConfirmRemove
          name={name}
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            try {
              await removeItem(item.id);
              setConfirming(false);
              onChanged();
            } catch (err) {
              setConfirming(false);
              setError(toApiError(err));
            }
          }}
        />
      )}
    </li>
  );
}

// Cancel has the focus when the dialog opens; Escape cancels and focus returns to the Remove button.
function ConfirmRemove({
  name,
  onCancel,
  onConfirm,
}: {
  name: string;
  onCancel: () => void;
  onConfirm: () => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title={`Remove ${name}?`} onClose={onCancel}>
      <p>Its accounts and transactions are deleted here, and the connection is closed at the bank.</p>
      <div className="actions">
        <button
          type="button"
          className="danger"
          aria-disabled={busy}
          onClick={() => {
            if (busy) return;
            setBusy(true);
            void onConfirm();
          }}
        >
          {busy ? 'Removing…' : 'Remove'}
        </button>
        <button type="button" onClick={onCancel} data-autofocus>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
