import { useEffect, useRef, useState } from 'react';
import {
  type ApiError,
  createLinkToken,
  exchangePublicToken,
  getConfig,
  type Item,
  listItems,
  removeItem,
  syncItem,
} from '../api';
import { ErrorNotice, Loading, StatusBadge } from '../components';
import { formatDateTime } from '../format';
import { toApiError, useCountdown, useResource } from '../hooks';
import { openLink } from '../link';

const NOTICE_MS = 12_000;

const itemEvents = (e: { type: string }): boolean => e.type === 'item.updated' || e.type === 'item.removed';

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
  const items = useResource(listItems, [], itemEvents);
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
    setLinking(true);
    setError(undefined);
    setNotice(null);
    try {
      setNotice(await connect(itemId));
      items.reload();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setLinking(false);
    }
  };

  return (
    <main id="main">
      <div className="page-head">
        <h1>Connections</h1>
        <button className="primary" type="button" onClick={() => void run()} disabled={linking}>
          {linking ? 'Linking…' : 'Link a bank'}
        </button>
      </div>
      {notice && (
        <p className="notice info" role="status">
          {notice}
        </p>
      )}
      <ErrorNotice error={error} />
      <ErrorNotice error={items.error} />
      {!items.data && items.loading && <Loading label="Loading your connections…" />}
      {items.data?.data.length === 0 && (
        <div className="empty">
          <p>No bank connected yet.</p>
          <p>Link a bank to see its accounts and transactions here.</p>
        </div>
      )}
      <ul className="cards">
        {items.data?.data.map((item) => (
          <ItemCard
            key={item.id}
            item={item}
            onFix={() => void run(item.id)}
            onChanged={items.reload}
            busy={linking}
          />
        ))}
      </ul>
    </main>
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
          Synced a moment ago. Try again in {wait} s.
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

// A modal <dialog>: the browser traps focus in it, Escape cancels, and focus returns to the Remove button.
function ConfirmRemove({
  name,
  onCancel,
  onConfirm,
}: {
  name: string;
  onCancel: () => void;
  onConfirm: () => Promise<void>;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="confirm-title" onCancel={onCancel} className="dialog">
      <h2 id="confirm-title">Remove {name}?</h2>
      <p>Its accounts and transactions are deleted here, and the connection is closed at the bank.</p>
      <div className="actions">
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void onConfirm();
          }}
        >
          {busy ? 'Removing…' : 'Remove'}
        </button>
        <button type="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
