// The hub's view of one device's scope, read straight from the hub's tables with this file's own SQL (not the hub's
// services, not its change log), shaped as the protocol's records and digested the way main/sync/replica-digest.ts
// digests the device's replica. "After quiet the device's replica equals the hub's view of its scope" (docs/sync.md §15 "What the tests prove", item 2) is
// then `replicaDigest(db) === await hubScopeDigest(hubDb, deviceId)`.
//
// The scope, as docs/sync.md §3 "Scope" and hub/README.md define it: the site's rules, the active staff who work where the device
// stands (staff with no units listed work site-wide and reach every device; staff with units reach only those units'
// kiosks, never a tablet), and every
// record of each resident the device serves right now — a kiosk: the active residents housed in its unit; a tablet:
// its assigned resident, while active. A resident's records are the resident, their balance, their contacts, their
// messages as the resident may see them (own outbound messages always, family messages once delivered; a family
// message rejected by review never), both ledgers' entries, their visits and their stopped-letter notices.
import type { SqlExecutor } from '../../hub/db/database';
import type { MessageRecord } from '../../hub/protocol/index';
import { digestOfRecords, type ReplicaRecord } from '../../main/sync/replica-digest';

interface DeviceScopeRow {
  device_id: string;
  site_id: string;
  kind: 'kiosk' | 'tablet';
  housing_unit_id: string | null;
  assigned_resident_id: string | null;
}

interface ResidentScopeRow {
  resident_id: string;
  credential_id: string;
  display_name: string;
  pin_hash: string;
  language: 'en' | 'es';
  housing_unit_id: string | null;
  version: number;
  stamp_balance: number;
  debit_balance_cents: number;
  balance_version: number;
  balance_changed_at: number;
  pin_locked_until: number | null;
  pin_lockout_cleared_at: number | null;
}

interface MessageScopeRow {
  message_id: string;
  resident_id: string;
  contact_id: string;
  direction: 'inbound' | 'outbound';
  body: string;
  written_at: number;
  received_at: number;
  status: MessageRecord['status'];
  status_changed_at: number;
  rejection_reason: string | null;
  carries_return_stamp: boolean;
  return_stamp_used: boolean;
  reply_to_message_id: string | null;
  stamps_charged: number;
  stamps_returned: number;
  read_at: number | null;
  version: number;
}

interface AttachmentScopeRow {
  message_id: string;
  attachment_id: string;
  kind: 'photo' | 'ecard' | 'video';
  sha256: string;
  byte_size: number;
  mime_type: 'image/jpeg' | 'image/png' | 'video/mp4' | 'video/webm';
  status: 'inReview' | 'delivered' | 'rejected';
  rejection_reason: string | null;
}

interface LedgerScopeRow {
  entry_id: string;
  resident_id: string;
  amount: number;
  kind: string;
  reference: string;
  created_at: number;
}

/** The ids of the residents a device serves right now, in id order. */
export async function residentsInScope(db: SqlExecutor, deviceId: string): Promise<string[]> {
  const rows = await db.query<{ resident_id: string }>(
    `SELECT r.resident_id
       FROM residents r JOIN devices d ON d.device_id = $1
      WHERE r.site_id = d.site_id AND r.status = 'active'
        AND ((d.kind = 'kiosk' AND r.housing_unit_id = d.housing_unit_id)
          OR (d.kind = 'tablet' AND r.resident_id = d.assigned_resident_id))
      ORDER BY r.resident_id`,
    [deviceId],
  );
  return rows.map((row) => row.resident_id);
}

/** Every record the device should hold, as the protocol's records with their versions. */
export async function hubScopeRecords(db: SqlExecutor, deviceId: string): Promise<ReplicaRecord[]> {
  const [device] = await db.query<DeviceScopeRow>('SELECT device_id, site_id, kind, housing_unit_id, assigned_resident_id FROM devices WHERE device_id = $1', [
    deviceId,
  ]);
  if (device === undefined) throw new Error(`the hub has no device ${deviceId}`);
  const records: ReplicaRecord[] = [];

  const [site] = await db.query<{
    site_id: string;
    name: string;
    characters_per_stamp: number;
    stamps_per_attachment: number;
    max_attachments: number;
    max_attachment_bytes: number;
    refund_stamps_on_rejection: boolean;
    version: number;
  }>(
    'SELECT site_id, name, characters_per_stamp, stamps_per_attachment, max_attachments, max_attachment_bytes, refund_stamps_on_rejection, version FROM sites WHERE site_id = $1',
    [device.site_id],
  );
  if (site === undefined) throw new Error(`the hub has no site ${device.site_id}`);
  const books = await db.query<{ stamps: number; price_cents: number }>('SELECT stamps, price_cents FROM stamp_books WHERE site_id = $1 ORDER BY stamps', [
    site.site_id,
  ]);
  records.push({
    entity: 'siteRules',
    id: site.site_id,
    version: site.version,
    data: {
      siteId: site.site_id,
      siteName: site.name,
      charactersPerStamp: site.characters_per_stamp,
      stampsPerAttachment: site.stamps_per_attachment,
      maxAttachments: site.max_attachments,
      maxAttachmentBytes: site.max_attachment_bytes,
      refundStampsOnRejection: site.refund_stamps_on_rejection,
      stampBooks: books.map((book) => ({ stamps: book.stamps, priceCents: book.price_cents })),
    },
  });

  const staff = await db.query<{ staff_id: string; display_name: string; badge_hash: string; pin_hash: string; version: number }>(
    `SELECT staff_id, display_name, badge_hash, pin_hash, version FROM staff s
      WHERE site_id = $1 AND status = 'active'
        AND ((SELECT count(*) FROM staff_units u WHERE u.staff_id = s.staff_id) = 0
          OR s.staff_id IN (SELECT u.staff_id FROM staff_units u WHERE u.housing_unit_id = $2::text))`,
    [site.site_id, device.kind === 'kiosk' ? device.housing_unit_id : null],
  );
  for (const member of staff) {
    records.push({
      entity: 'staff',
      id: member.staff_id,
      version: member.version,
      data: { staffId: member.staff_id, displayName: member.display_name, badgeHash: member.badge_hash, pinHash: member.pin_hash },
    });
  }

  for (const residentId of await residentsInScope(db, deviceId)) {
    const [resident] = await db.query<ResidentScopeRow>(
      `SELECT resident_id, credential_id, display_name, pin_hash, language, housing_unit_id, version,
              stamp_balance, debit_balance_cents, balance_version, balance_changed_at, pin_locked_until, pin_lockout_cleared_at
         FROM residents WHERE resident_id = $1`,
      [residentId],
    );
    if (resident === undefined) throw new Error(`resident ${residentId} vanished`);
    records.push({
      entity: 'resident',
      id: resident.resident_id,
      version: resident.version,
      data: {
        residentId: resident.resident_id,
        credentialId: resident.credential_id,
        displayName: resident.display_name,
        pinHash: resident.pin_hash,
        language: resident.language,
        housingUnitId: resident.housing_unit_id,
        lockedUntil: resident.pin_locked_until,
        lockoutClearedAt: resident.pin_lockout_cleared_at,
      },
    });
    records.push({
      entity: 'balance',
      id: resident.resident_id,
      version: resident.balance_version,
      data: {
        residentId: resident.resident_id,
        stamps: resident.stamp_balance,
        availableCents: resident.debit_balance_cents,
        holdsCents: 0,
        confirmedAt: resident.balance_changed_at,
      },
    });

    const contacts = await db.query<{ contact_id: string; display_name: string; relationship: string; approved: boolean; version: number }>(
      'SELECT contact_id, display_name, relationship, approved, version FROM contacts WHERE resident_id = $1',
      [residentId],
    );
    for (const contact of contacts) {
      records.push({
        entity: 'contact',
        id: contact.contact_id,
        version: contact.version,
        data: { contactId: contact.contact_id, residentId, displayName: contact.display_name, relationship: contact.relationship, approved: contact.approved },
      });
    }

    // Their own messages at every step; a family message only once review has delivered it.
    const messages = await db.query<MessageScopeRow>(
      `SELECT message_id, resident_id, contact_id, direction, body, written_at, received_at, status, status_changed_at, rejection_reason,
              carries_return_stamp, return_stamp_used, reply_to_message_id, stamps_charged, stamps_returned, read_at, version
         FROM messages WHERE resident_id = $1 AND (direction = 'outbound' OR status IN ('delivered', 'read'))`,
      [residentId],
    );
    const attachments = await db.query<AttachmentScopeRow>(
      `SELECT a.message_id, a.attachment_id, a.kind, a.sha256, a.byte_size, a.mime_type, a.status, a.rejection_reason
         FROM attachments a JOIN messages m ON m.message_id = a.message_id
        WHERE m.resident_id = $1
        ORDER BY a.message_id, a.position`,
      [residentId],
    );
    // A delivered video's caption tracks, read from their blobs; in language order, as the hub lists them.
    const captionTracks = await db.query<{ attachment_id: string; language: string; text: string }>(
      `SELECT c.attachment_id, c.language, convert_from(b.bytes, 'UTF8') AS text
         FROM attachment_captions c JOIN blobs b ON b.sha256 = c.sha256
         JOIN attachments a ON a.attachment_id = c.attachment_id JOIN messages m ON m.message_id = a.message_id
        WHERE m.resident_id = $1 AND a.status = 'delivered'
        ORDER BY c.attachment_id, c.language`,
      [residentId],
    );
    const captionsOf = (attachmentId: string) => {
      const captions = captionTracks.filter((track) => track.attachment_id === attachmentId).map(({ language, text }) => ({ language, text }));
      return captions.length === 0 ? {} : { captions };
    };
    for (const message of messages) {
      const withheld = message.direction === 'inbound' && message.status === 'rejected';
      const data: MessageRecord = {
        messageId: message.message_id,
        residentId: message.resident_id,
        contactId: message.contact_id,
        direction: message.direction,
        body: withheld ? '' : message.body,
        writtenAt: message.written_at,
        receivedAt: message.received_at,
        status: message.status,
        statusChangedAt: message.status_changed_at,
        rejectionReason: message.rejection_reason,
        carriesReturnStamp: message.carries_return_stamp,
        returnStampUsed: message.return_stamp_used,
        replyToMessageId: message.reply_to_message_id,
        stampsCharged: message.stamps_charged,
        stampsReturned: message.stamps_returned,
        readAt: message.read_at,
        attachments: attachments
          .filter((attachment) => attachment.message_id === message.message_id)
          .map((attachment) => ({
            attachmentId: attachment.attachment_id,
            kind: attachment.kind,
            sha256: attachment.sha256,
            byteSize: attachment.byte_size,
            mimeType: attachment.mime_type,
            status: attachment.status === 'delivered' ? 'delivered' : 'rejected',
            rejectionReason: attachment.rejection_reason,
            ...captionsOf(attachment.attachment_id),
          })),
      };
      records.push({ entity: 'message', id: message.message_id, version: message.version, data });
    }

    for (const [entity, table] of [
      ['stampEntry', 'stamp_ledger'],
      ['debitEntry', 'debit_ledger'],
    ] as const) {
      const entries = await db.query<LedgerScopeRow>(`SELECT entry_id, resident_id, amount, kind, reference, created_at FROM ${table} WHERE resident_id = $1`, [
        residentId,
      ]);
      for (const entry of entries) {
        // Entries never change: version 1 forever.
        records.push({
          entity,
          id: entry.entry_id,
          version: 1,
          data: {
            entryId: entry.entry_id,
            residentId: entry.resident_id,
            amount: entry.amount,
            kind: entry.kind,
            reference: entry.reference,
            createdAt: entry.created_at,
          },
        });
      }
    }

    const visits = await db.query<{
      visit_id: string;
      visitor_name: string;
      kind: 'onSite' | 'remote';
      starts_at: number;
      duration_minutes: number;
      status: 'scheduled' | 'cancelled';
      version: number;
      cancellation_reason: string | null;
    }>('SELECT visit_id, visitor_name, kind, starts_at, duration_minutes, status, version, cancellation_reason FROM visits WHERE resident_id = $1', [
      residentId,
    ]);
    for (const visit of visits) {
      records.push({
        entity: 'visit',
        id: visit.visit_id,
        version: visit.version,
        data: {
          visitId: visit.visit_id,
          residentId,
          visitorName: visit.visitor_name,
          kind: visit.kind,
          startsAt: visit.starts_at,
          durationMinutes: visit.duration_minutes,
          status: visit.status,
          // Present only when staff gave a reason (hub/protocol/records.ts VisitRecord).
          ...(visit.cancellation_reason === null ? {} : { cancellationReason: visit.cancellation_reason }),
        },
      });
    }

    // Stopped-letter notices: the sender and the reviewer's reason, never the letter (hub/services/messages.ts).
    const notices = await db.query<{
      notice_id: string;
      contact_id: string;
      sender_name: string;
      reason: string;
      stopped_at: number;
      after_delivery: boolean;
      version: number;
    }>('SELECT notice_id, contact_id, sender_name, reason, stopped_at, after_delivery, version FROM letter_notices WHERE resident_id = $1', [residentId]);
    for (const notice of notices) {
      records.push({
        entity: 'letterStopped',
        id: notice.notice_id,
        version: notice.version,
        data: {
          noticeId: notice.notice_id,
          residentId,
          contactId: notice.contact_id,
          senderName: notice.sender_name,
          reason: notice.reason,
          stoppedAt: notice.stopped_at,
          afterDelivery: notice.after_delivery,
        },
      });
    }

    // Messaging pauses not lifted (a lifted one is deleted from devices): until when and staff's reason (hub/services/suspensions.ts).
    const pauses = await db.query<{ suspension_id: string; ends_at: number; reason: string; version: number }>(
      'SELECT suspension_id, ends_at, reason, version FROM messaging_suspensions WHERE resident_id = $1 AND lifted_at IS NULL',
      [residentId],
    );
    for (const pause of pauses) {
      records.push({
        entity: 'messagingPause',
        id: pause.suspension_id,
        version: pause.version,
        data: { pauseId: pause.suspension_id, residentId, pausedUntil: pause.ends_at, reason: pause.reason },
      });
    }
  }

  return records.sort((a, b) => (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The digest the device's replica must have once it is quiet (replica-digest.ts's canonical digest). */
export async function hubScopeDigest(db: SqlExecutor, deviceId: string): Promise<string> {
  return digestOfRecords(await hubScopeRecords(db, deviceId));
}
