import { CountryCode, Products } from 'plaid';

export type InstitutionHealth = 'HEALTHY' | 'DEGRADED' | 'DOWN';

export interface InstitutionSpec {
  institution_id: string;
  name: string;
  country_codes: CountryCode[];
  products: Products[];
  oauth: boolean;
  url: string;
  primary_color: string;
  routing_numbers: string[];
  health: InstitutionHealth;
  /** Linking always fails with this error (e.g. unsupported institutions). */
  linkError?: string;
}

const US_PRODUCTS: Products[] = [
  Products.Assets,
  Products.Auth,
  Products.Balance,
  Products.Identity,
  Products.Investments,
  Products.Liabilities,
  Products.Transactions,
  Products.RecurringTransactions,
  Products.Signal,
  Products.Statements,
];
const EU_PRODUCTS: Products[] = [
  Products.Assets,
  Products.Auth,
  Products.Balance,
  Products.Identity,
  Products.Transactions,
  Products.PaymentInitiation,
];

const I = (institution_id: string, name: string, extra: Partial<InstitutionSpec> = {}): InstitutionSpec => ({
  institution_id,
  name,
  country_codes: [CountryCode.Us],
  products: US_PRODUCTS,
  oauth: false,
  url: 'https://plaid.com',
  primary_color: '#1f1f1f',
  routing_numbers: ['011401533', '021200339'],
  health: 'HEALTHY',
  ...extra,
});

// Plaid's Sandbox institutions (REFERENCE §6).
export const INSTITUTIONS: readonly InstitutionSpec[] = [
  I('ins_109508', 'First Platypus Bank', { primary_color: '#1f1f1f' }),
  I('ins_130016', 'First Platypus Balance Bank'),
  I('ins_109509', 'First Gingham Credit Union', { primary_color: '#2b5fad' }),
  I('ins_109510', 'Tattersall Federal Credit Union', { primary_color: '#9c1b26' }),
  I('ins_109511', 'Tartan Bank', { primary_color: '#1b7c43' }),
  I('ins_109512', 'Houndstooth Bank', { primary_color: '#4a4a4a' }),
  I('ins_43', 'Tartan-Dominion Bank of Canada', { country_codes: [CountryCode.Ca] }),
  I('ins_116834', 'Flexible Platypus Open Banking', {
    country_codes: [CountryCode.Gb],
    products: EU_PRODUCTS,
    oauth: true,
    routing_numbers: [],
  }),
  I('ins_117650', 'Royal Bank of Plaid', {
    country_codes: [CountryCode.Gb],
    products: EU_PRODUCTS,
    routing_numbers: [],
  }),
  I('ins_127287', 'Platypus OAuth Bank', { oauth: true }),
  I('ins_132241', 'First Platypus OAuth App2App Bank', { oauth: true }),
  I('ins_117181', 'Flexible Platypus Open Banking (QR code)', {
    country_codes: [CountryCode.Gb],
    products: EU_PRODUCTS,
    oauth: true,
    routing_numbers: [],
  }),
  I('ins_135858', 'Windowpane Bank'),
  I('ins_132363', 'Unhealthy Platypus Bank - Degraded', { health: 'DEGRADED' }),
  I('ins_132361', 'Unhealthy Platypus Bank - Down', { health: 'DOWN' }),
  I('ins_133402', 'Unsupported Platypus Bank', { linkError: 'INSTITUTION_NO_LONGER_SUPPORTED' }),
  I('ins_133502', 'Platypus Bank RUX Auth'),
  I('ins_133503', 'Platypus Bank RUX Match'),
];

export const DEFAULT_INSTITUTION_ID = 'ins_109508';
