import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { type ItemStatusValue } from '@app/contracts';

@Entity({ name: 'items' })
export class Item {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'plaid_item_id', type: 'text', unique: true })
  plaidItemId: string;

  // AES-256-GCM, "v1.<kid>.<iv>.<tag>.<ciphertext>", bound to plaid_item_id.
  @Column({ name: 'access_token_enc', type: 'text' })
  accessTokenEnc: string;

  @Column({ name: 'institution_id', type: 'text', nullable: true })
  institutionId: string | null;

  @Column({ name: 'institution_name', type: 'text', nullable: true })
  institutionName: string | null;

  // Sorted account identities (type/subtype/mask/name) at link time: how a duplicate link is recognised.
  @Column({ name: 'accounts_fingerprint', type: 'text', nullable: true })
  accountsFingerprint: string | null;

  @Column({ type: 'text' })
  status: ItemStatusValue;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ name: 'consent_expires_at', type: 'timestamptz', nullable: true })
  consentExpiresAt: Date | null;

  @Column({ name: 'new_accounts_available', type: 'boolean', default: false })
  newAccountsAvailable: boolean;

  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true })
  lastSyncedAt: Date | null;

  // Plaid's last successful update from the bank (/item/get), as the sync worker last read it.
  @Column({ name: 'plaid_last_updated_at', type: 'timestamptz', nullable: true })
  plaidLastUpdatedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
