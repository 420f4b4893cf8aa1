import { plaidErrorPolicy } from './plaid-error-map';

// What a person reads when Plaid gave no display_message (Plaid leaves it null for most item errors; its
// error_message is for developers and never reaches a user): what happened and what to do, in plain words.
const MESSAGES: Record<string, string> = {
  ITEM_LOGIN_REQUIRED: 'Your bank needs you to sign in again to keep this connection working.',
  INSUFFICIENT_CREDENTIALS: 'Your bank needs you to sign in again to keep this connection working.',
  ITEM_LOCKED:
    "Your bank has locked your account. Unlock it on your bank's website, then fix the connection.",
  PASSWORD_RESET_REQUIRED:
    'Your bank asks you to reset your password on its website, then fix the connection.',
  USER_SETUP_REQUIRED: 'Your bank needs you to finish setting up your account on its website.',
  NO_ACCOUNTS: 'No accounts are shared from this bank any more. Fix the connection to choose accounts again.',
  ACCESS_NOT_GRANTED:
    'Your bank needs your permission again to share this data. Fix the connection to give it.',
  ADDITIONAL_CONSENT_REQUIRED:
    'Your bank needs your permission again to share this data. Fix the connection to give it.',
  USER_PERMISSION_REVOKED:
    'You withdrew access to this bank. Remove the connection, and link the bank again to resume.',
  ITEM_NOT_FOUND: 'This connection no longer exists at the bank. Remove it and link the bank again.',
  INSTITUTION_DOWN: "Your bank isn't responding right now. We'll keep trying; nothing to do on your side.",
  INSTITUTION_NOT_RESPONDING:
    "Your bank isn't responding right now. We'll keep trying; nothing to do on your side.",
  INSTITUTION_NOT_AVAILABLE:
    "Your bank isn't responding right now. We'll keep trying; nothing to do on your side.",
  INSTITUTION_NO_LONGER_SUPPORTED: 'This bank is no longer supported. Remove the connection.',
};

export function itemUserMessage(errorCode: string): string {
  const known = Object.hasOwn(MESSAGES, errorCode) ? MESSAGES[errorCode] : undefined;
  if (known) return known;
  const policy = plaidErrorPolicy(errorCode);
  if (policy.userActionRequired)
    return 'Your bank needs you to sign in again to keep this connection working.';
  if (policy.itemStatus === 'revoked') return 'Access to this bank connection was revoked.';
  return 'This bank connection has a problem. We will try again; if it stays, remove it and link the bank again.';
}
