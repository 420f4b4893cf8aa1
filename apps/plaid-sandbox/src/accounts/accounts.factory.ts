import { type AccountBase, AccountSubtype, AccountType } from 'plaid';
import { Rng } from '../common/ids';
import { PlaidApiError } from '../common/plaid-error';
import { isObject, type JsonObject } from '../common/request-fields';
import { type AccountRole } from '../transactions/merchants';

export interface LoginIdentity {
  seed: number;
  institutionId: string;
  username: string;
}

export interface CustomTransactionSpec {
  date_transacted: string;
  date_posted: string;
  amount: number;
  description: string;
  currency: string;
}

export interface BuiltAccounts {
  accounts: AccountBase[];
  roles: Partial<Record<AccountRole, string>>;
  /** Custom transactions per account id (user_custom `override_accounts[].transactions`). */
  customTransactions: Map<string, CustomTransactionSpec[]>;
}

interface Template {
  name: string;
  official: string | null;
  mask: string;
  type: AccountType;
  subtype: AccountSubtype;
  available: number | null;
  current: number;
  limit: number | null;
  role?: AccountRole;
}

// The accounts of Plaid Sandbox's user_good, with their real names, masks and balances.
const DEFAULT_TEMPLATES: readonly Template[] = [
  {
    name: 'Plaid Checking',
    official: 'Plaid Gold Standard 0% Interest Checking',
    mask: '0000',
    type: AccountType.Depository,
    subtype: AccountSubtype.Checking,
    available: 100,
    current: 110,
    limit: null,
    role: 'checking',
  },
  {
    name: 'Plaid Saving',
    official: 'Plaid Silver Standard 0.1% Interest Saving',
    mask: '1111',
    type: AccountType.Depository,
    subtype: AccountSubtype.Savings,
    available: 200,
    current: 210,
    limit: null,
    role: 'savings',
  },
  {
    name: 'Plaid CD',
    official: 'Plaid Bronze Standard 0.2% Interest CD',
    mask: '2222',
    type: AccountType.Depository,
    subtype: AccountSubtype.Cd,
    available: null,
    current: 1000,
    limit: null,
  },
  {
    name: 'Plaid Credit Card',
    official: 'Plaid Diamond 12.5% APR Interest Credit Card',
    mask: '3333',
    type: AccountType.Credit,
    subtype: AccountSubtype.CreditCard,
    available: null,
    current: 410,
    limit: 2000,
    role: 'credit',
  },
  {
    name: 'Plaid Money Market',
    official: 'Plaid Platinum Standard 1.85% Interest Money Market',
    mask: '4444',
    type: AccountType.Depository,
    subtype: AccountSubtype.MoneyMarket,
    available: 43200,
    current: 43200,
    limit: null,
  },
  {
    name: 'Plaid IRA',
    official: null,
    mask: '5555',
    type: AccountType.Investment,
    subtype: AccountSubtype.Ira,
    available: null,
    current: 320.76,
    limit: null,
  },
  {
    name: 'Plaid 401k',
    official: null,
    mask: '6666',
    type: AccountType.Investment,
    subtype: AccountSubtype._401k,
    available: null,
    current: 23631.9805,
    limit: null,
  },
  {
    name: 'Plaid Student Loan',
    official: null,
    mask: '7777',
    type: AccountType.Loan,
    subtype: AccountSubtype.Student,
    available: null,
    current: 65262,
    limit: null,
  },
  {
    name: 'Plaid Mortgage',
    official: null,
    mask: '8888',
    type: AccountType.Loan,
    subtype: AccountSubtype.Mortgage,
    available: null,
    current: 56302.06,
    limit: null,
  },
];

function accountIds(seed: number, itemId: string): Rng {
  return Rng.from(seed, itemId, 'accounts');
}

/**
 * The default account set. Names, masks, types and balances depend only on the login (seed, institution,
 * username), so linking the same login twice yields look-alike accounts with new ids, as Plaid does.
 */
export function defaultAccounts(login: LoginIdentity, itemId: string): BuiltAccounts {
  const ids = accountIds(login.seed, itemId);
  const profile = Rng.from(login.seed, login.institutionId, login.username, 'profile');
  const plaidMasks = login.username === 'user_good' || login.username === 'user_transactions_dynamic';
  const roles: BuiltAccounts['roles'] = {};
  const accounts = DEFAULT_TEMPLATES.map((t): AccountBase => {
    const mask = plaidMasks ? t.mask : String(profile.int(0, 9999)).padStart(4, '0');
    const factor = plaidMasks ? 1 : 0.5 + profile.next() * 4;
    const round = (n: number): number => Math.round(n * factor * 100) / 100;
    const accountId = ids.plaidId();
    if (t.role) roles[t.role] = accountId;
    return {
      account_id: accountId,
      balances: {
        available: t.available === null ? null : round(t.available),
        current: round(t.current),
        limit: t.limit,
        iso_currency_code: 'USD',
        unofficial_currency_code: null,
      },
      mask,
      name: t.name,
      official_name: t.official,
      subtype: t.subtype,
      type: t.type,
    };
  });
  return { accounts, roles, customTransactions: new Map() };
}

const TYPES = new Set<string>(Object.values(AccountType));
const SUBTYPES = new Set<string>(Object.values(AccountSubtype));

/** Accounts from a user_custom configuration's `override_accounts` (at most 10, as Plaid). */
export function overrideAccounts(login: LoginIdentity, itemId: string, overrides: unknown[]): BuiltAccounts {
  if (overrides.length > 10)
    throw PlaidApiError.invalidField('override_accounts: at most 10 accounts are supported');
  const ids = accountIds(login.seed, itemId);
  const roles: BuiltAccounts['roles'] = {};
  const customTransactions = new Map<string, CustomTransactionSpec[]>();
  const accounts = overrides.map((raw, i): AccountBase => {
    if (!isObject(raw)) throw PlaidApiError.invalidField(`override_accounts[${i}] must be an object`);
    const type = typeof raw.type === 'string' ? raw.type : 'depository';
    const subtype =
      typeof raw.subtype === 'string' ? raw.subtype : type === 'credit' ? 'credit card' : 'checking';
    if (!TYPES.has(type))
      throw PlaidApiError.invalidField(`override_accounts[${i}].type is invalid: ${type}`);
    if (!SUBTYPES.has(subtype))
      throw PlaidApiError.invalidField(`override_accounts[${i}].subtype is invalid: ${subtype}`);
    const meta: JsonObject = isObject(raw.meta) ? raw.meta : {};
    const starting = typeof raw.starting_balance === 'number' ? raw.starting_balance : 100;
    const currency = typeof raw.currency === 'string' ? raw.currency : 'USD';
    const limit = typeof meta.limit === 'number' ? meta.limit : null;
    let available: number | null =
      type === 'depository' ? starting : type === 'credit' && limit !== null ? limit - starting : null;
    if (typeof raw.force_available_balance === 'number') available = raw.force_available_balance;
    if (raw.has_null_available_balance === true) available = null;
    const accountId = ids.plaidId();
    if (type === 'depository' && subtype === 'checking' && !roles.checking) roles.checking = accountId;
    else if (type === 'depository' && !roles.savings) roles.savings = accountId;
    else if (type === 'credit' && !roles.credit) roles.credit = accountId;
    if (Array.isArray(raw.transactions)) {
      customTransactions.set(
        accountId,
        raw.transactions.map((t, j) =>
          parseCustomTransaction(t, `override_accounts[${i}].transactions[${j}]`, currency),
        ),
      );
    }
    return {
      account_id: accountId,
      balances: {
        available,
        current: starting,
        limit,
        iso_currency_code: currency,
        unofficial_currency_code: null,
      },
      mask: typeof meta.mask === 'string' ? meta.mask : String(1000 + i * 1111).slice(-4),
      name: typeof meta.name === 'string' ? meta.name : `Custom ${subtype}`,
      official_name: typeof meta.official_name === 'string' ? meta.official_name : null,
      subtype: subtype as AccountSubtype,
      type: type as AccountType,
    };
  });
  return { accounts, roles, customTransactions };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseCustomTransaction(raw: unknown, where: string, currency = 'USD'): CustomTransactionSpec {
  if (!isObject(raw)) throw PlaidApiError.invalidField(`${where} must be an object`);
  const missing = ['date_transacted', 'date_posted', 'amount', 'description'].filter(
    (f) => raw[f] === undefined || raw[f] === null,
  );
  if (missing.length > 0) throw PlaidApiError.missingFields(missing.map((f) => `${where}.${f}`));
  const { date_transacted, date_posted, amount, description } = raw;
  if (typeof date_transacted !== 'string' || !ISO_DATE.test(date_transacted))
    throw PlaidApiError.invalidField(`${where}.date_transacted must be a YYYY-MM-DD date`);
  if (typeof date_posted !== 'string' || !ISO_DATE.test(date_posted))
    throw PlaidApiError.invalidField(`${where}.date_posted must be a YYYY-MM-DD date`);
  if (typeof amount !== 'number' || !Number.isFinite(amount))
    throw PlaidApiError.invalidField(`${where}.amount must be a number`);
  if (typeof description !== 'string' || description === '')
    throw PlaidApiError.invalidField(`${where}.description must be a non-empty string`);
  const cur =
    typeof raw.currency === 'string'
      ? raw.currency
      : typeof raw.iso_currency_code === 'string'
        ? raw.iso_currency_code
        : currency;
  return { date_transacted, date_posted, amount, description, currency: cur };
}
