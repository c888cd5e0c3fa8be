// Retention for reviewed mail (docs/deployment-hub.md "Retention"): a site keeps the words and pictures of the family
// letters review stopped — rejected in review, or withdrawn after delivery — for a number of days after that decision,
// and `npm run hub -- purge-reviewed-mail` (a daily timer) then removes them from the hub.
//
// Only those letters, because nothing of them is on any device: a letter rejected in review never reached one, and a
// withdrawn one was deleted from every device by the withdrawal. What goes: the letter's words (the body becomes
// empty), its caption tracks, and its attachments' bytes (unless a letter that is kept holds the same bytes), and the
// words and attachment list in the change log's earlier copies of a withdrawn letter — a device that replays the log
// from before the withdrawal receives the emptied copy and then the delete, as it would have. What stays: the
// letter's envelope (sender, resident, dates, status, the reason), each attachment's row (kind, size, sha256 name,
// decision), the review decisions, what the sender and the resident were told, the ledgers and the audit chains; the
// change log keeps every position, so no device's cursor stops holding. Delivered letters and residents' own letters
// are never purged: they are on the residents' devices and are their correspondence.
import { appendHubAuditEntry } from './audit';
import { invalid, notFound, type HubContext } from './context';

export const maxRetentionDays = 36_500;
const dayMs = 24 * 60 * 60 * 1000;

/** The site's retention in days, or null when stopped letters are kept for good (the default). */
export async function reviewedMailRetention(hub: HubContext, siteId: string): Promise<number | null> {
  const [site] = await hub.database.query<{ days: number | null }>('SELECT reviewed_mail_retention_days AS days FROM sites WHERE site_id = $1', [siteId]);
  if (site === undefined) throw notFound(`There is no site ${siteId}.`);
  return site.days;
}

export async function setReviewedMailRetention(hub: HubContext, input: { siteId: string; days: number | null }): Promise<void> {
  if (input.days !== null && (!Number.isInteger(input.days) || input.days < 1 || input.days > maxRetentionDays))
    throw invalid(`Retention is a whole number of days from 1 to ${maxRetentionDays}, not ${input.days}.`);
  const updated = await hub.database.query('UPDATE sites SET reviewed_mail_retention_days = $2 WHERE site_id = $1 RETURNING site_id', [
    input.siteId,
    input.days,
  ]);
  if (updated.length === 0) throw notFound(`There is no site ${input.siteId}.`);
}

export interface MailPurge {
  /** null: the site keeps stopped letters for good, and nothing was purged. */
  readonly retentionDays: number | null;
  /** Letters whose review ended before this moment were purged. */
  readonly stoppedBefore: number | null;
  readonly letters: number;
  readonly attachments: number;
  readonly blobsDeleted: number;
  readonly bytesFreed: number;
}

/** Purges one site's stopped letters older than its retention, in one transaction, with one entry on the hub's chain. */
export async function purgeReviewedMail(hub: HubContext, input: { siteId: string }): Promise<MailPurge> {
  return hub.database.transaction(async (tx) => {
    const [site] = await tx.query<{ days: number | null }>('SELECT reviewed_mail_retention_days AS days FROM sites WHERE site_id = $1 FOR UPDATE', [
      input.siteId,
    ]);
    if (site === undefined) throw notFound(`There is no site ${input.siteId}.`);
    if (site.days === null) return { retentionDays: null, stoppedBefore: null, letters: 0, attachments: 0, blobsDeleted: 0, bytesFreed: 0 };
    const now = hub.now();
    const stoppedBefore = now - site.days * dayMs;
    const letters = (
      await tx.query<{ message_id: string }>(
        `SELECT m.message_id FROM messages m JOIN residents r ON r.resident_id = m.resident_id
          WHERE r.site_id = $1 AND m.direction = 'inbound' AND m.status = 'rejected' AND m.status_changed_at < $2 AND m.content_purged_at IS NULL
          ORDER BY m.message_id FOR UPDATE OF m`,
        [input.siteId, stoppedBefore],
      )
    ).map((row) => row.message_id);
    if (letters.length === 0) return { retentionDays: site.days, stoppedBefore, letters: 0, attachments: 0, blobsDeleted: 0, bytesFreed: 0 };

    await tx.query("UPDATE messages SET body = '', content_purged_at = $2 WHERE message_id IN (SELECT jsonb_array_elements_text($1::jsonb))", [
      JSON.stringify(letters),
      now,
    ]);
    const attachments = await tx.query<{ attachment_id: string; sha256: string }>(
      'SELECT attachment_id, sha256 FROM attachments WHERE message_id IN (SELECT jsonb_array_elements_text($1::jsonb))',
      [JSON.stringify(letters)],
    );
    const captions = await tx.query<{ sha256: string }>(
      'DELETE FROM attachment_captions WHERE attachment_id IN (SELECT jsonb_array_elements_text($1::jsonb)) RETURNING sha256',
      [JSON.stringify(attachments.map((attachment) => attachment.attachment_id))],
    );
    // Content-addressed: the same photo may also be in a letter that is kept, and then its bytes stay.
    const candidates = [...new Set([...attachments.map((attachment) => attachment.sha256), ...captions.map((caption) => caption.sha256)])];
    const deleted = await tx.query<{ byte_size: number }>(
      `DELETE FROM blobs b WHERE b.sha256 IN (SELECT jsonb_array_elements_text($1::jsonb))
          AND NOT EXISTS (SELECT 1 FROM attachments a JOIN messages m ON m.message_id = a.message_id WHERE a.sha256 = b.sha256 AND m.content_purged_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM attachment_captions c WHERE c.sha256 = b.sha256)
        RETURNING byte_size`,
      [JSON.stringify(candidates)],
    );
    // A withdrawn letter's earlier copies in the change log carry its words and attachments. Positions, versions and
    // operations stay as they are (a cursor's fingerprint names those), so every device's cursor still holds.
    await tx.query(
      `UPDATE change_log SET data = jsonb_set(jsonb_set(data, '{body}', '""'::jsonb), '{attachments}', '[]'::jsonb)
        WHERE entity = 'message' AND op = 'upsert' AND record_id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
      [JSON.stringify(letters)],
    );
    const purge: MailPurge = {
      retentionDays: site.days,
      stoppedBefore,
      letters: letters.length,
      attachments: attachments.length,
      blobsDeleted: deleted.length,
      bytesFreed: deleted.reduce((sum, blob) => sum + Number(blob.byte_size), 0),
    };
    await appendHubAuditEntry(
      tx,
      {
        kind: 'reviewedMailPurged',
        actor: null,
        details: {
          siteId: input.siteId,
          retentionDays: site.days,
          stoppedBefore,
          letters: purge.letters,
          attachments: purge.attachments,
          blobsDeleted: purge.blobsDeleted,
          bytesFreed: purge.bytesFreed,
        },
      },
      now,
    );
    return purge;
  });
}
