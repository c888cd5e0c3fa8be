// Every route of the console's API, by area. Add an area's array here; the authorization test walks this list.
import type { ConsoleRoute } from '../route';
import { accountRoutes } from './accounts';
import { deviceRoutes } from './devices';
import { moneyRoutes } from './money';
import { peopleRoutes } from './people';
import { reviewRoutes } from './review';
import { siteLanguageRoutes } from './site-languages';
import { visitRoutes } from './visits';

export const consoleRoutes: readonly ConsoleRoute[] = [
  ...accountRoutes,
  ...peopleRoutes,
  ...reviewRoutes,
  ...deviceRoutes,
  ...moneyRoutes,
  ...visitRoutes,
  ...siteLanguageRoutes,
];
