import { type AccountBase, type Products } from 'plaid';
import { type CustomTransactionSpec } from '../accounts/accounts.factory';
import { type Rng } from '../common/ids';
import { type PlaidApiError } from '../common/plaid-error';
import { type AccountRole } from '../transactions/merchants';
import { type TransactionLog } from '../transactions/transaction-log';
import { type HistoryContext } from '../transactions/transactions.generator';

/** One linked Item as the emulator keeps it (in memory, like Plaid Sandbox's own state). */
export interface ItemRecord {
  itemId: string;
  accessToken: string;
  institutionId: string;
  institutionName: string;
  webhook: string | null;
  products: Products[];
  billedProducts: Products[];
  availableProducts: Products[];
  username: string;
  /** user_transactions_dynamic: /transactions/refresh and /sandbox/transactions/create change its data. */
  dynamic: boolean;
  createdAt: Date;
  error: PlaidApiError | null;
  removed: boolean;
  accounts: AccountBase[];
  /** Account ids that generated transactions are spread over. */
  roles: Partial<Record<AccountRole, string>>;
  transactionAccountIds: Set<string>;
  history: HistoryContext;
  log: TransactionLog;
  /** Item-local PRNG for ids of transactions created after linking (deterministic per seed). */
  rng: Rng;
  daysRequested: number;
  /** Next generator index for transactions created after linking. */
  extraIndex: number;
  /** Data calls answer INSTITUTION_DOWN (ins_132361). */
  institutionDown: boolean;
  syncStarted: boolean;
  lastWebhook: { sentAt: string; code: string } | null;
  lastSuccessfulUpdate: Date;
  lastFailedUpdate: Date | null;
  /** Accounts at the institution the user has not shared with the app (new ones, or deselected in update mode). */
  unsharedAccounts?: AccountBase[];
  /** History of unshared accounts, added to the log when the user shares them. */
  unsharedHistory?: Map<string, CustomTransactionSpec[]>;
  /** When the institution last updated the balances (last_updated_datetime); unset: now. */
  balanceAsOf?: Date | null;
  /** Days of deterministic balance movement applied so far. */
  balanceDays?: number;
}
