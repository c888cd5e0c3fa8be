// The tablet's lock rule (issue 8, "Lock rule"): after the site's number of days without a successful sync the tablet
// locks until it syncs, and from the warning threshold on it says how many days are left. Pure: the runtime supplies
// the times (the sync engine's last success, the assignment) and its clock; the session machine and the screens share
// these answers, so the lock and its warnings can never disagree.
import type { TabletSettings } from '../../kiosk-config/schema';
import type { TabletSyncStanding } from '../contract';

export const dayMs = 24 * 60 * 60 * 1000;

export interface SyncDeadline {
  /** What the days are counted from: the last successful sync, or the assignment when it has not synced since. */
  readonly since: number;
  readonly warnAt: number;
  readonly lockAt: number;
}

/**
 * The deadline for a tablet serving someone. `assignedAt` is when their records reached this tablet: a tablet that has
 * never synced since then counts from then, not from a sync made for the person before them.
 */
export function syncDeadlineOf(
  lastSuccessAt: number | null,
  assignedAt: number,
  rules: Pick<TabletSettings, 'warnFromDaysWithoutSync' | 'lockAfterDaysWithoutSync'>,
): SyncDeadline {
  const since = Math.max(lastSuccessAt ?? assignedAt, assignedAt);
  return { since, warnAt: since + rules.warnFromDaysWithoutSync * dayMs, lockAt: since + rules.lockAfterDaysWithoutSync * dayMs };
}

/** Exactly at the lock time the tablet is locked; a moment before, it is not. */
export function syncOverdue(deadline: SyncDeadline | null, now: number): boolean {
  return deadline !== null && now >= deadline.lockAt;
}

/** What the screens say about the deadline at `now`. */
export function syncStandingOf(deadline: SyncDeadline, now: number): TabletSyncStanding {
  const state = now >= deadline.lockAt ? 'locked' : now >= deadline.warnAt ? 'warning' : 'ok';
  return {
    state,
    since: deadline.since,
    daysWithoutSync: Math.max(0, Math.floor((now - deadline.since) / dayMs)),
    // "Sync within 2 days": whole days, rounded up, so the last hours still read "within 1 day".
    daysLeft: Math.max(0, Math.ceil((deadline.lockAt - now) / dayMs)),
  };
}
