import { type ComponentType, lazy } from 'react';

// Every signed-in screen, in the order of the main navigation. Each screen is its own chunk, loaded when first
// visited: the first route's JavaScript stays within its budget (scripts/build-web.mjs) however many screens come.
export interface AppRoute {
  path: string;
  // The navigation's label (the screen's <h1> says the same).
  label: string;
  screen: ComponentType;
}

const screen = (load: () => Promise<ComponentType>): ComponentType =>
  lazy(async () => ({ default: await load() }));

export const ROUTES: AppRoute[] = [
  {
    path: '/overview',
    label: 'Overview',
    screen: screen(() => import('../features/overview/overview-screen').then((m) => m.OverviewScreen)),
  },
  {
    path: '/items',
    label: 'Connections',
    screen: screen(() => import('../features/connections/items-screen').then((m) => m.ItemsScreen)),
  },
  {
    path: '/accounts',
    label: 'Accounts',
    screen: screen(() => import('../features/accounts/accounts-screen').then((m) => m.AccountsScreen)),
  },
  {
    path: '/transactions',
    label: 'Transactions',
    screen: screen(() =>
      import('../features/transactions/transactions-screen').then((m) => m.TransactionsScreen),
    ),
  },
  {
    path: '/insights',
    label: 'Insights',
    screen: screen(() => import('../features/insights/insights-screen').then((m) => m.InsightsScreen)),
  },
  {
    path: '/recurring',
    label: 'Recurring',
    screen: screen(() => import('../features/recurring/recurring-screen').then((m) => m.RecurringScreen)),
  },
  {
    path: '/rules',
    label: 'Rules',
    screen: screen(() => import('../features/rules/rules-screen').then((m) => m.RulesScreen)),
  },
  {
    path: '/settings',
    label: 'Settings',
    screen: screen(() => import('../features/settings/settings-screen').then((m) => m.SettingsScreen)),
  },
];

// Where a signed-in user lands from / and from the login page.
export const HOME = '/items';
export const PUBLIC_PATHS = new Set(['/login', '/signup']);
