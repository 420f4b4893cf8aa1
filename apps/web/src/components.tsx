import { type ReactNode } from 'react';
import { type ApiError, type Item } from './api';
import { formatDate } from './format';

export function ErrorNotice({ error, children }: { error: ApiError | undefined; children?: ReactNode }) {
  if (!error) return null;
  return (
    <div className="notice error" role="alert">
      <p>{error.message}</p>
      {error.requestId && (
        <p className="request-id">
          Request id: <code>{error.requestId}</code>
        </p>
      )}
      {children}
    </div>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

const STATUS_LABELS: Record<Item['status'], string> = {
  pending: 'Syncing',
  healthy: 'Healthy',
  login_required: 'Login required',
  expiring: 'Expiring',
  revoked: 'Revoked',
  error: 'Error',
};

export function StatusBadge({ item }: { item: Item }) {
  const label =
    item.status === 'expiring' && item.consentExpiresAt
      ? `Expiring ${formatDate(item.consentExpiresAt.slice(0, 10))}`
      : STATUS_LABELS[item.status];
  return <span className={`badge badge-${item.status}`}>{label}</span>;
}
