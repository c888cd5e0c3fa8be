// Queries over the stopped-letter notices the hub sent (store migration 0011): a family member's letter the facility
// stopped, with the sender's name and the reviewer's reason, never the letter. `seen_at` is this device's own note.
import type { DeviceDatabase } from './database';

export interface LetterNoticeRow {
  readonly noticeId: string;
  readonly senderName: string;
  readonly reason: string;
  readonly stoppedAt: number;
  readonly afterDelivery: boolean;
  readonly seen: boolean;
}

export interface LetterNoticeQueries {
  /** Newest first. */
  forResident(residentId: string): LetterNoticeRow[];
  unseenCount(residentId: string): number;
  markAllSeen(residentId: string, at: number): void;
}

export function letterNoticeQueries(db: DeviceDatabase): LetterNoticeQueries {
  const select = db.prepare<
    [string],
    { notice_id: string; sender_name: string; reason: string; stopped_at: number; after_delivery: number; seen_at: number | null }
  >(
    'SELECT notice_id, sender_name, reason, stopped_at, after_delivery, seen_at FROM letter_notices WHERE resident_id = ? ORDER BY stopped_at DESC, notice_id DESC',
  );
  const countUnseen = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM letter_notices WHERE resident_id = ? AND seen_at IS NULL');
  const markSeen = db.prepare<[number, string]>('UPDATE letter_notices SET seen_at = ? WHERE resident_id = ? AND seen_at IS NULL');
  return {
    forResident: (residentId) =>
      select.all(residentId).map((row) => ({
        noticeId: row.notice_id,
        senderName: row.sender_name,
        reason: row.reason,
        stoppedAt: row.stopped_at,
        afterDelivery: row.after_delivery === 1,
        seen: row.seen_at !== null,
      })),
    unseenCount: (residentId) => countUnseen.get(residentId)?.n ?? 0,
    markAllSeen: (residentId, at) => {
      markSeen.run(at, residentId);
    },
  };
}
