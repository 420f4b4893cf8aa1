import { formatDate } from '../../lib/format';
import { type Item } from './api';

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
  return (
    <>
      <span className={`badge badge-${item.status}`}>{label}</span>
      {item.newAccountsAvailable && <span className="badge badge-expiring">New accounts available</span>}
    </>
  );
}
