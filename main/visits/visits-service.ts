// The resident's visits on this device: what the facility scheduled, as the hub last sent it, so the screens work
// offline. Whether a visit is upcoming, under way or past is decided here, against the runtime's clock (the one the
// session and the tests' moved clock use), never by the page.
import type { Visit, VisitsView } from '../contract';
import type { DeviceDatabase } from '../store/database';
import type { VisitRow } from '../store/visits';
import { storeQueriesOf } from '../store/store-queries';

/** How far back the Visits screen lists past visits: enough to check last week's, not a history. */
export const recentPastVisitDays = 14;
const dayMs = 24 * 60 * 60 * 1000;

export interface VisitsService {
  list(residentId: string): VisitsView;
  /** The next visit that will happen (under way or upcoming, not cancelled), for the home screen; null when none. */
  next(residentId: string): Visit | null;
}

function visitOf(row: VisitRow, now: number): Visit {
  const endsAt = row.startsAt + row.durationMinutes * 60_000;
  const timing: Visit['timing'] = endsAt <= now ? 'past' : row.startsAt <= now ? 'underway' : 'upcoming';
  return {
    visitId: row.visitId,
    visitorName: row.visitorName,
    // The hub says 'remote'; the person knows it as a video visit.
    kind: row.kind === 'remote' ? 'video' : 'onSite',
    startsAt: row.startsAt,
    durationMinutes: row.durationMinutes,
    cancelled: row.status === 'cancelled',
    // Only a cancelled visit carries staff's reason to the screen.
    cancellationReason: row.status === 'cancelled' ? row.cancellationReason : null,
    timing,
  };
}

export function createVisitsService(options: { readonly db: DeviceDatabase; readonly now: () => number }): VisitsService {
  const queries = storeQueriesOf(options.db).visits;
  const visitsOf = (residentId: string): { now: number; visits: Visit[] } => {
    const now = options.now();
    return { now, visits: queries.endingAfter(residentId, now - recentPastVisitDays * dayMs).map((row) => visitOf(row, now)) };
  };
  return {
    list: (residentId) => {
      const { visits } = visitsOf(residentId);
      return {
        upcoming: visits.filter((visit) => visit.timing !== 'past'),
        // Newest first: the one just missed or just had is what a person looks for.
        recentPast: visits.filter((visit) => visit.timing === 'past').reverse(),
        recentPastDays: recentPastVisitDays,
      };
    },
    next: (residentId) => visitsOf(residentId).visits.find((visit) => visit.timing !== 'past' && !visit.cancelled) ?? null,
  };
}
