// visits.* calls: the signed-in resident's visits, from the device's store.
import type { CallHandlers } from '../../bridge/dispatch';
import type { VisitsService } from '../../visits/visits-service';
import type { CallerGuard } from './access';

export function visitsHandlers(visits: Pick<VisitsService, 'list'>, { forResident }: Pick<CallerGuard, 'forResident'>): Pick<CallHandlers, 'visits.list'> {
  return {
    'visits.list': () => forResident('visits.list', (residentId) => visits.list(residentId)),
  };
}
