import { formatDate } from '../../lib/format';
import { type Item } from './api';

export type FixAction = 'repair' | 'share' | null;

export interface Guidance {
  // What is going on, in a sentence; the bank's own message (when it gave one) is shown with it.
  headline: string | null;
  // What the user can do about it.
  todo: string | null;
  action: FixAction;
  // The button that does it.
  actionLabel: string | null;
}

// Every item status with what it means for the user and what to do. The bank's message (item.error.message,
// Plaid's display_message or our own per-code text) is shown beside it.
export function guidance(item: Item): Guidance {
  switch (item.status) {
    case 'pending':
      return {
        headline: 'Fetching your accounts and transactions.',
        todo: 'This usually takes a minute; the page updates by itself.',
        action: null,
        actionLabel: null,
      };
    case 'login_required':
      return {
        headline: 'Your bank needs you to sign in again.',
        todo: 'Until then, no new transactions arrive. Fix the connection to sign in at your bank.',
        action: 'repair',
        actionLabel: 'Fix connection',
      };
    case 'expiring':
      return {
        headline: item.consentExpiresAt
          ? `Your permission to share this bank's data ends on ${formatDate(item.consentExpiresAt.slice(0, 10))}.`
          : "Your permission to share this bank's data ends soon.",
        todo: 'Renew it to keep your transactions coming.',
        action: 'repair',
        actionLabel: 'Fix connection',
      };
    case 'revoked':
      return {
        headline: 'Access to this bank was withdrawn.',
        todo: 'Nothing more arrives from it. Remove the connection, and link the bank again to resume.',
        action: null,
        actionLabel: null,
      };
    case 'error':
      return {
        headline: 'This connection has a problem.',
        todo: 'We keep trying by ourselves. If it lasts, remove the connection and link the bank again.',
        action: null,
        actionLabel: null,
      };
    case 'healthy':
      return item.newAccountsAvailable
        ? {
            headline: 'Your bank has accounts you have not shared yet.',
            todo: 'Choose which ones to share; they appear under Accounts.',
            action: 'share',
            actionLabel: 'Share new accounts',
          }
        : { headline: null, todo: null, action: null, actionLabel: null };
  }
}
