// What the signed-in resident's home screen shows at a glance: mail waiting, and money and stamps as the hub last
// confirmed them. Reads only that resident's rows.
import type { DeviceDatabase } from './database';

export interface ConfirmedBalance {
  readonly stamps: number;
  readonly availableCents: number;
  readonly holdsCents: number;
  readonly confirmedAt: number;
}

export interface ResidentHomeSummary {
  readonly unreadMessages: number;
  /** Null until the hub has sent this resident's balance: the device never works one out itself. */
  readonly balance: ConfirmedBalance | null;
  /** Their actions recorded here and not yet answered by the hub. */
  readonly waitingOnThisDevice: number;
}

/** Staff paused the person's messaging: until when, and staff's reason in their own words. */
export interface MessagingPause {
  readonly pausedUntil: number;
  readonly reason: string;
}

export interface HomeSummaryQueries {
  forResident(residentId: string): ResidentHomeSummary;
  /** The pause holding at `now` (not yet ended; a lifted one was deleted), the one ending last if several; null when none. */
  messagingPause(residentId: string, now: number): MessagingPause | null;
}

export function homeSummaryQueries(db: DeviceDatabase): HomeSummaryQueries {
  // A message marked read on this device counts as read at once, even before the hub's copy says so: the markRead in
  // the outbox (pending, or applied before the hub's new copy arrives) stands in for the answer that has not arrived yet.
  const countUnread = db.prepare<[string], { n: number }>(`
    SELECT count(*) AS n FROM messages m
    WHERE m.resident_id = ? AND m.direction = 'inbound' AND m.status = 'delivered' AND m.read_at IS NULL
      AND NOT EXISTS (
        SELECT 1 FROM outbox o
        WHERE o.status <> 'refused' AND o.name = 'markRead' AND o.resident_id = m.resident_id
          AND o.message_id = m.message_id
      )`);
  const selectBalance = db.prepare<[string], { stamps: number; available_cents: number; holds_cents: number; confirmed_at: number }>(
    'SELECT stamps, available_cents, holds_cents, confirmed_at FROM balances WHERE resident_id = ?',
  );
  const selectPause = db.prepare<[string, number], { paused_until: number; reason: string }>(
    'SELECT paused_until, reason FROM messaging_pauses WHERE resident_id = ? AND paused_until > ? ORDER BY paused_until DESC LIMIT 1',
  );
  const countWaiting = db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM outbox WHERE resident_id = ? AND status = 'pending'");
  return {
    forResident: (residentId) => {
      const balance = selectBalance.get(residentId);
      return {
        unreadMessages: countUnread.get(residentId)?.n ?? 0,
        balance: balance
          ? { stamps: balance.stamps, availableCents: balance.available_cents, holdsCents: balance.holds_cents, confirmedAt: balance.confirmed_at }
          : null,
        waitingOnThisDevice: countWaiting.get(residentId)?.n ?? 0,
      };
    },
    messagingPause: (residentId, now) => {
      const pause = selectPause.get(residentId, now);
      return pause === undefined ? null : { pausedUntil: pause.paused_until, reason: pause.reason };
    },
  };
}
