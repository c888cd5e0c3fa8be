// The console's pages: where each lives, its title (a locale key), who sees it (an admin sees all), and what draws
// it. The navigation lists the pages the signed-in role may use; an area's page joins by adding a line here.
import type { ComponentType } from 'react';
import type { StaffRole } from '../../hub/console/api/schemas/common';
import type { SessionView } from '../../hub/console/api/schemas/session';
import { AccountsPage } from './pages/AccountsPage';
import { AuditPage } from './pages/AuditPage';
import { DevicesPage } from './pages/DevicesPage';
import { HomePage } from './pages/HomePage';
import { MoneyPage } from './pages/MoneyPage';
import { VisitsPage } from './pages/VisitsPage';
import { PeoplePage } from './pages/PeoplePage';
import { ReviewPage } from './pages/ReviewPage';

export interface ConsolePageProps {
  readonly session: SessionView;
}

export interface ConsolePage {
  /** The path under /console: `/review`. A page may handle deeper paths itself (`/review/<id>`). */
  readonly path: string;
  /** A key of locales/en.json: `pages.review`. */
  readonly titleKey: string;
  /** The roles that see it besides an admin; 'all' for every signed-in staff member. */
  readonly roles: readonly StaffRole[] | 'all';
  readonly Component: ComponentType<ConsolePageProps>;
}

export const consolePages: readonly ConsolePage[] = [
  { path: '/', titleKey: 'pages.home', roles: 'all', Component: HomePage },
  { path: '/review', titleKey: 'pages.review', roles: ['mailroom', 'supervisor'], Component: ReviewPage },
  { path: '/visits', titleKey: 'pages.visits', roles: ['visits', 'supervisor'], Component: VisitsPage },
  { path: '/money', titleKey: 'pages.money', roles: ['money', 'supervisor'], Component: MoneyPage },
  { path: '/people', titleKey: 'pages.people', roles: ['mailroom', 'money', 'visits', 'devices', 'supervisor'], Component: PeoplePage },
  { path: '/devices', titleKey: 'pages.devices', roles: ['devices', 'supervisor'], Component: DevicesPage },
  { path: '/audit', titleKey: 'pages.audit', roles: ['devices', 'supervisor'], Component: AuditPage },
  { path: '/accounts', titleKey: 'pages.accounts', roles: [], Component: AccountsPage },
];

export function pageVisibleTo(page: ConsolePage, role: StaffRole): boolean {
  return role === 'admin' || page.roles === 'all' || page.roles.includes(role);
}

/** The page a path belongs to: the longest page path it starts with. */
export function pageForPath(path: string): ConsolePage | undefined {
  return [...consolePages]
    .filter((page) => path === page.path || (page.path !== '/' && path.startsWith(`${page.path}/`)))
    .sort((left, right) => right.path.length - left.path.length)[0];
}
