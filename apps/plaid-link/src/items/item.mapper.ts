import { type ItemDto } from '@app/contracts';
import { type Item } from './item.entity';

const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);

// The data is as old as the older of our last sync (or the link, before the first) and Plaid's own last update
// from the bank; a revoked item has no data to be stale.
export function isStale(item: Item, staleAfterHours: number, now: Date = new Date()): boolean {
  if (item.status === 'revoked') return false;
  const ours = new Date(item.lastSyncedAt ?? item.createdAt).getTime();
  const plaid = item.plaidLastUpdatedAt ? new Date(item.plaidLastUpdatedAt).getTime() : ours;
  return now.getTime() - Math.min(ours, plaid) > staleAfterHours * 3_600_000;
}

export function toItemDto(item: Item, staleAfterHours: number): ItemDto {
  return {
    id: item.id,
    institutionId: item.institutionId,
    institutionName: item.institutionName,
    status: item.status,
    error: item.errorCode ? { code: item.errorCode, message: item.errorMessage ?? '' } : null,
    consentExpiresAt: iso(item.consentExpiresAt),
    lastSyncedAt: iso(item.lastSyncedAt),
    plaidLastUpdatedAt: iso(item.plaidLastUpdatedAt ?? null),
    stale: isStale(item, staleAfterHours),
    newAccountsAvailable: item.newAccountsAvailable,
    createdAt: new Date(item.createdAt).toISOString(),
  };
}
