// Visits families schedule and the facility approves; the resident sees what is scheduled.
import { randomUUID } from 'node:crypto';
import { characterCount } from '../protocol/index';
import { checkedInputText, invalid, notFound, type HubContext } from './context';
import { visitChange, visitColumns, type VisitRow } from './records';
import { lockActiveResident, publishForResident } from './residents';

export type VisitKind = 'onSite' | 'remote';

export async function scheduleVisit(
  hub: HubContext,
  input: { residentId: string; visitorName: string; kind: VisitKind; startsAt: number; durationMinutes: number },
): Promise<VisitRow> {
  const visitorName = checkedInputText(input.visitorName, 'name', "The visitor's name");
  if (visitorName === '' || characterCount(visitorName) > 120) throw invalid("A visit needs the visitor's name (at most 120 characters).");
  if (!Number.isSafeInteger(input.startsAt) || input.startsAt < 0) throw invalid('A visit needs a start time.');
  if (!Number.isInteger(input.durationMinutes) || input.durationMinutes < 1 || input.durationMinutes > 600) throw invalid('A visit lasts 1 to 600 minutes.');
  return hub.database.transaction(async (tx) => {
    const resident = await lockActiveResident(tx, input.residentId);
    const now = hub.now();
    const [visit] = await tx.query<VisitRow>(
      `INSERT INTO visits (visit_id, resident_id, visitor_name, kind, starts_at, duration_minutes, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', $7) RETURNING ${visitColumns}`,
      [randomUUID(), resident.resident_id, visitorName, input.kind, input.startsAt, input.durationMinutes, now],
    );
    if (visit === undefined) throw new Error('INSERT ... RETURNING returned no row');
    await publishForResident(tx, resident, [visitChange(visit)], now);
    return visit;
  });
}

export async function cancelVisit(hub: HubContext, input: { visitId: string }): Promise<VisitRow> {
  return hub.database.transaction(async (tx) => {
    const [owner] = await tx.query<{ resident_id: string }>('SELECT resident_id FROM visits WHERE visit_id = $1', [input.visitId]);
    if (owner === undefined) throw notFound(`There is no visit ${input.visitId}.`);
    const resident = await lockActiveResident(tx, owner.resident_id);
    const [visit] = await tx.query<VisitRow>(
      `UPDATE visits SET status = 'cancelled', version = version + 1 WHERE visit_id = $1 AND status = 'scheduled' RETURNING ${visitColumns}`,
      [input.visitId],
    );
    if (visit === undefined) throw invalid('That visit is already cancelled.');
    await publishForResident(tx, resident, [visitChange(visit)], hub.now());
    return visit;
  });
}
