import { type ItemDto } from '@app/contracts';
import { type Item } from './item.entity';

export function toItemDto(item: Item): ItemDto {
  return {
    id: item.id,
    institutionId: item.institutionId,
    institutionName: item.institutionName,
    status: item.status,
    error: item.errorCode ? { code: item.errorCode, message: item.errorMessage ?? '' } : null,
    consentExpiresAt: item.consentExpiresAt ? new Date(item.consentExpiresAt).toISOString() : null,
    lastSyncedAt: item.lastSyncedAt ? new Date(item.lastSyncedAt).toISOString() : null,
    newAccountsAvailable: item.newAccountsAvailable,
    createdAt: new Date(item.createdAt).toISOString(),
  };
}
