import { type ItemProblemPayload } from '@app/contracts';
import { itemUserMessage, plaidErrorPolicy } from '@app/plaid';
import { type PlaidError } from 'plaid';

// Plaid's item.error as an item problem: the status its code implies, a message fit for the user.
export function itemProblem(error: PlaidError): ItemProblemPayload {
  return {
    code: error.error_code,
    message: error.display_message ?? defaultItemMessage(error.error_code),
    status: plaidErrorPolicy(error.error_code, error.error_type).itemStatus ?? 'error',
  };
}

// Shown to users when Plaid gave no display_message; Plaid's error_message is for logs only.
export function defaultItemMessage(code: string): string {
  return itemUserMessage(code);
}
