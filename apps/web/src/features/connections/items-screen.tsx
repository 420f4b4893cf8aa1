import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type ApiError, toApiError } from '../../api/client';
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
  removeItem,
  syncItem,
} from './api';
import { openLink } from './link';
import { StatusBadge } from './status-badge';

const NOTICE_MS = 12_000;

// Opens Link (new item, or update mode for `itemId`), then exchanges the public token or, after a repair,
// asks for a sync: a successful sync is what marks the item healthy again.
async function connect(itemId?: string): Promise<string | null> {
  const [config, token] = await Promise.all([getConfig(), createLinkToken(itemId)]);
  const outcome = await openLink(config.link, token.linkToken, itemId !== undefined);
  if (outcome.kind === 'exit') return outcome.message;
  if (itemId === undefined) {
    const { item } = await exchangePublicToken(outcome.publicToken);
    return `${item.institutionName ?? outcome.institutionName ?? 'Your bank'} is connected. Fetching accounts…`;
  }
  await syncItem(itemId).catch(() => undefined);
  return 'Connection fixed. Syncing…';
}

export function ItemsScreen() {
  const queryClient = useQueryClient();
  const items = useQuery(itemsQuery);
  const reload = (): void => void queryClient.invalidateQueries({ queryKey: ['items'] });
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<ApiError>();
  const [linking, setLinking] = useState(false);
  // A link's or a repair's notice says what happens next; once the list shows it, it goes.
  useEffect(() => {
    if (!notice) return;
    const t = window.setTimeout(() => setNotice(null), NOTICE_MS);
    return () => window.clearTimeout(t);
  }, [notice]);

  const run = async (itemId?: string): Promise<void> => {
    if (linking) return;
    setLinking(true);
    setError(undefined);
    setNotice(null);
    try {
      setNotice(await connect(itemId));
      reload();
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
        <button className="primary" type="button" onClick={() => void run()} aria-disabled={linking}>
          {linking ? 'Linking…' : 'Link a bank'}
        </button>
      }
    >
      {notice && (
        <p className="notice info" role="status">
          {notice}
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
            onFix={() => void run(item.id)}
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
  onFix: () => void;
  onChanged: () => void;
  busy: boolean;
}) {
  const [error, setError] = useState<ApiError>();
  const [notice, setNotice] = useState<string | null>(null);
  const [wait, startWait] = useCountdown();
  const [confirming, setConfirming] = useState(false);
  const name = item.institutionName ?? 'Bank';
  const needsFix =
    item.status === 'login_required' || item.status === 'expiring' || item.newAccountsAvailable;

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
      {item.error && item.status !== 'healthy' && <p className="item-error">{item.error.message}</p>}
      <p className="muted">
        {item.lastSyncedAt ? `Last synced ${formatDateTime(item.lastSyncedAt)}` : 'Not synced yet'}
      </p>
      {notice && wait === 0 && (
        <p className="notice info" role="status">
          {notice}
        </p>
      )}
      {wait > 0 && (
        <p className="notice warn" role="status">
          Synced a moment ago. Try again in {formatWait(wait)}.
        </p>
      )}
      <ErrorNotice error={error} />
      <div className="actions">
        <button type="button" onClick={() => void sync()} disabled={wait > 0 || item.status === 'revoked'}>
          Sync now<span className="sr-only"> {name}</span>
        </button>
        {needsFix && (
          <button type="button" className="primary" onClick={onFix} disabled={busy}>
            Fix connection<span className="sr-only"> {name}</span>
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
