// money.* calls, each as the signed-in resident: stamps, buying them, and the account.
import type { CallHandlers } from '../../bridge/dispatch';
import type { CallName } from '../../contract';
import type { MoneyService } from '../../money/money-service';
import type { CallerGuard } from './access';

type MoneyCalls = Extract<CallName, `money.${string}`>;

export function moneyHandlers(money: MoneyService, { forResident }: Pick<CallerGuard, 'forResident'>): Pick<CallHandlers, MoneyCalls> {
  return {
    'money.stamps': () => forResident('money.stamps', (residentId) => money.stamps(residentId)),
    'money.buyStamps': (request) => forResident('money.buyStamps', (residentId) => money.buyStamps(residentId, request)),
    'money.purchase': ({ requestId }) => forResident('money.purchase', (residentId) => money.purchase(residentId, requestId)),
    'money.account': ({ page }) => forResident('money.account', (residentId) => money.account(residentId, page)),
  };
}
