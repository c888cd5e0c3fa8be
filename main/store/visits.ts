// Queries over one resident's visits as the hub last sent them (replica table `visits`, store migration 0006).
import type { DeviceDatabase } from './database';

export interface VisitRow {
  readonly visitId: string;
  readonly visitorName: string;
  readonly kind: 'onSite' | 'remote';
  readonly startsAt: number;
  readonly durationMinutes: number;
  readonly status: 'scheduled' | 'cancelled';
  /** Staff's reason for cancelling, as they wrote it; null when none was given. */
  readonly cancellationReason: string | null;
}

export interface VisitQueries {
  /** The resident's visits that end after `since`, earliest first (the screen shows upcoming and recent past ones). */
  endingAfter(residentId: string, since: number): VisitRow[];
}

export function visitQueries(db: DeviceDatabase): VisitQueries {
  // starts_at + duration is the end; the index on (resident_id, starts_at) narrows by person, the rest is a few rows.
  const select = db.prepare<
    { residentId: string; since: number },
    {
      visit_id: string;
      visitor_name: string;
      kind: VisitRow['kind'];
      starts_at: number;
      duration_minutes: number;
      status: VisitRow['status'];
      cancellation_reason: string | null;
    }
  >(`
    SELECT visit_id, visitor_name, kind, starts_at, duration_minutes, status, cancellation_reason FROM visits
     WHERE resident_id = @residentId AND starts_at + duration_minutes * 60000 > @since
     ORDER BY starts_at, visit_id`);
  return {
    endingAfter: (residentId, since) =>
      select.all({ residentId, since }).map((row) => ({
        visitId: row.visit_id,
        visitorName: row.visitor_name,
        kind: row.kind,
        startsAt: row.starts_at,
        durationMinutes: row.duration_minutes,
        status: row.status,
        cancellationReason: row.cancellation_reason,
      })),
  };
}
