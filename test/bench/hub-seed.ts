// Seeding for the sync benchmarks, run inside the hub's process against its database. Sites, units, residents,
// contacts and staff go through the real services. Messages go in bulk: the rows the services would write for a family
// message that review decided (sendFamilyMessage, then reviewMessage) — the message at version 2, one review decision,
// and one change-log row built by the services' own messageChange — inserted with a few multi-row statements instead
// of 100,000 transactions. A handful of messages per resident are written through the real services first, and
// verifyMessageChanges proves afterwards that every row, bulk or service-written, is what the services write.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Change, syncedEntities } from '../../hub/protocol';
import { newRecordId } from '../../hub/protocol/ids';
import { getSiteRules, listStaff, reviewMessage, sendFamilyMessage, type HubContext } from '../../hub/services/index';
import { addContact, addHousingUnit, addResident, addStaff, createSite } from '../../hub/services/index';
import {
  messageChange,
  messageColumns,
  residentColumns,
  residentSnapshot,
  staffRecord,
  visibleToResident,
  type MessageRow,
  type ResidentRow,
} from '../../hub/services/records';
import { audienceKeysOf, holdChangeLogLock } from '../../hub/services/change-log';
import { digestOfRecords, type ReplicaRecord } from '../../main/sync/replica-digest';
import { messageSpecs, rejectionReasons, type MessageSpec } from './sync-data';
import { seededRandom } from '../support/seeded-random';
import { liveLetterPrefix } from './fleet-clients';
import { newDeviceSecret, sha256Hex } from '../../hub/security/tokens';

/** hub/services/change-log.ts takes this transaction-scoped advisory lock before appending (it does not export it). */
const reviewer = 'Officer Grant';
const rowsPerStatement = 2_000;

const day = 24 * 3600 * 1000;

export interface SeededResident {
  readonly resident: ResidentRow;
  readonly contactIds: readonly string[];
}

/** A family message as the services leave it once review has decided: version 2 (written, then reviewed). */
function reviewedRow(spec: MessageSpec, residentId: string, contactId: string): MessageRow {
  const rejected = spec.status === 'rejected';
  return {
    message_id: spec.messageId,
    resident_id: residentId,
    contact_id: contactId,
    direction: 'inbound',
    body: spec.body,
    written_at: spec.writtenAt,
    received_at: spec.receivedAt,
    status: rejected ? 'rejected' : 'delivered',
    status_changed_at: spec.reviewedAt,
    rejection_reason: rejected ? (spec.rejectionReason ?? rejectionReasons[0]!) : null,
    carries_return_stamp: spec.carriesReturnStamp,
    return_stamp_used: false,
    reply_to_message_id: null,
    paid_with_return_stamp: false,
    return_stamp_refunded: false,
    stamps_charged: 0,
    stamps_returned: 0,
    read_at: null,
    version: 2,
  };
}

/**
 * `count` reviewed family letters for one resident, oldest review first (so change-log order is review order, as it is
 * when reviews commit one by one). Message times end a day before `now`. The hub's bulk seed writes these rows; the
 * PouchDB baseline of sync-e2e (pouch-process.ts) stores the same letters as documents.
 */
export function reviewedLetterRows(count: number, seed: number, now: number, residentId: string, contactIds: readonly string[]): MessageRow[] {
  const span = 2 * 365 * day;
  const specs = messageSpecs(count, { seed, start: now - span - day, inboundOnly: true });
  const random = seededRandom(seed ^ 0xc0ffee);
  return specs
    .map((spec) => reviewedRow(spec, residentId, contactIds[Math.floor(random() * contactIds.length)] ?? contactIds[0]!))
    .sort((left, right) => left.status_changed_at - right.status_changed_at);
}

/** Writes `count` reviewed family messages (reviewedLetterRows) for one resident in bulk. */
export async function bulkReviewedMessages(hub: HubContext, seeded: SeededResident, count: number, seed: number): Promise<void> {
  const { resident, contactIds } = seeded;
  if (resident.housing_unit_id === null) throw new Error('bulk messages need a housed resident');
  const rows = reviewedLetterRows(count, seed, hub.now(), resident.resident_id, contactIds);
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const chunk = rows.slice(start, start + rowsPerStatement);
    // As reviewMessage publishes: a letter review rejected never reaches a device, so it gets no change row.
    const changes = chunk.filter(visibleToResident).map((row) => {
      const change = messageChange(row, []);
      // What appendChanges checks before it logs an upsert.
      if (change.op !== 'upsert') throw new Error('a reviewed message is an upsert');
      syncedEntities.message.parse(change.data);
      return { record_id: change.id, version: change.version, data: change.data, created_at: row.status_changed_at };
    });
    const decisions = chunk.map((row) => ({
      decision_id: randomUUID(),
      message_id: row.message_id,
      decision: row.status === 'rejected' ? 'rejected' : 'approved',
      reason: row.rejection_reason,
      decided_at: row.status_changed_at,
    }));
    await hub.database.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO messages (message_id, resident_id, contact_id, direction, body, written_at, received_at, status, status_changed_at,
                               rejection_reason, carries_return_stamp, version)
         SELECT e->>'message_id', $2, e->>'contact_id', 'inbound', e->>'body', (e->>'written_at')::bigint, (e->>'received_at')::bigint,
                e->>'status', (e->>'status_changed_at')::bigint, e->>'rejection_reason', (e->>'carries_return_stamp')::boolean, 2
           FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, ord) ORDER BY ord`,
        [JSON.stringify(chunk), resident.resident_id],
      );
      await tx.query(
        `INSERT INTO review_decisions (decision_id, message_id, attachment_id, decision, reason, reviewer, decided_at)
         SELECT e->>'decision_id', e->>'message_id', NULL, e->>'decision', e->>'reason', $2, (e->>'decided_at')::bigint
           FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, ord) ORDER BY ord`,
        [JSON.stringify(decisions), reviewer],
      );
      await holdChangeLogLock(tx, resident.site_id);
      // publishForResident's audience: the site, the resident's unit now, the resident, no device.
      const [appended] = await tx.query<{ seq: number }>(
        `WITH appended AS (
           INSERT INTO change_log (site_id, audience_unit, audience_resident, audience_device, entity, record_id, version, op, data, created_at)
           SELECT $2, $3, $4, NULL, 'message', e->>'record_id', (e->>'version')::integer, 'upsert', e->'data', (e->>'created_at')::bigint
             FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, ord) ORDER BY ord
           RETURNING seq)
         SELECT max(seq)::bigint AS seq FROM appended`,
        [JSON.stringify(changes), resident.site_id, resident.housing_unit_id, resident.resident_id],
      );
      // As every writer does (hub/db/commit-notes.ts): the hub's processes learn of these rows when this commits.
      if (appended !== undefined)
        tx.announceLog(
          resident.site_id,
          audienceKeysOf({ unit: resident.housing_unit_id, resident: resident.resident_id, device: null }, resident.site_id),
          appended.seq,
        );
    });
  }
}

/** The words of reference letter `index` (serviceReviewedMessages); every third one review rejects. */
function referenceLetter(index: number): { body: string; carriesReturnStamp: boolean; rejected: boolean } {
  return { body: `Reference letter ${index}: we love you and we will visit on Sunday.`, carriesReturnStamp: index % 2 === 1, rejected: index % 3 === 2 };
}

/** Family messages through the real services (sendFamilyMessage, then reviewMessage): the reference rows. */
export async function serviceReviewedMessages(hub: HubContext, seeded: SeededResident, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const contactId = seeded.contactIds[index % seeded.contactIds.length]!;
    const letter = referenceLetter(index);
    const message = await sendFamilyMessage(hub, { contactId, body: letter.body, carriesReturnStamp: letter.carriesReturnStamp });
    await reviewMessage(
      hub,
      letter.rejected
        ? { decision: 'reject', messageId: message.message_id, reviewer, reason: rejectionReasons[0]! }
        : { decision: 'approve', messageId: message.message_id, reviewer },
    );
  }
}

async function residentWithContacts(
  hub: HubContext,
  housingUnitId: string,
  credentialId: string,
  displayName: string,
  contacts: number,
): Promise<SeededResident> {
  const resident = await addResident(hub, { housingUnitId, credentialId, displayName, pin: '4821', language: credentialId.endsWith('1') ? 'es' : 'en' });
  const contactIds: string[] = [];
  for (let index = 0; index < contacts; index += 1) {
    const contact = await addContact(hub, {
      residentId: resident.resident_id,
      displayName: `Family ${index + 1} of ${displayName}`,
      relationship: ['mother', 'sister', 'brother', 'friend'][index % 4]!,
      approved: true,
    });
    contactIds.push(contact.contact_id);
  }
  return { resident, contactIds };
}

export interface E2eFacility {
  readonly siteId: string;
  readonly unitId: string;
  readonly residentId: string;
  readonly messages: number;
}

/** One site; unit A holds the resident with all the mail; unit B holds a neighbour the kiosk must not see. */
export async function seedE2eFacility(hub: HubContext, messages: number): Promise<E2eFacility> {
  const site = await createSite(hub, { name: 'Hill County Jail' });
  const unitA = await addHousingUnit(hub, { siteId: site.siteId, name: 'A-Pod' });
  const unitB = await addHousingUnit(hub, { siteId: site.siteId, name: 'B-Pod' });
  await addStaff(hub, { siteId: site.siteId, displayName: reviewer, badgeId: 'STAFF-77', pin: '9876' });
  const ana = await residentWithContacts(hub, unitA.housingUnitId, 'B1001', 'Ana Diaz', 3);
  const ben = await residentWithContacts(hub, unitB.housingUnitId, 'B2002', 'Ben Okafor', 1);
  const reference = Math.min(e2eReferenceLetters, messages);
  await bulkReviewedMessages(hub, ana, messages - reference, e2eLetterSeed);
  await serviceReviewedMessages(hub, ana, reference);
  await bulkReviewedMessages(hub, ben, 50, 12);
  return { siteId: site.siteId, unitId: unitA.housingUnitId, residentId: ana.resident.resident_id, messages };
}

const e2eLetterSeed = 11;
const e2eReferenceLetters = 3;

/**
 * The letters seedE2eFacility gives its resident, as rows, without a hub: the bulk letters exactly (same generator,
 * seed, ids and words), then the reference letters with their words and review outcome as the services would leave
 * them (their ids and times are made here, as the services would make them at `now`).
 */
export function e2eLetterRows(messages: number, now: number, residentId: string, contactIds: readonly string[]): MessageRow[] {
  const reference = Math.min(e2eReferenceLetters, messages);
  const rows = reviewedLetterRows(messages - reference, e2eLetterSeed, now, residentId, contactIds);
  for (let index = 0; index < reference; index += 1) {
    const letter = referenceLetter(index);
    const at = now + index;
    const spec: MessageSpec = {
      messageId: newRecordId(at),
      direction: 'inbound',
      body: letter.body,
      writtenAt: at,
      receivedAt: at,
      reviewedAt: at,
      status: letter.rejected ? 'rejected' : 'delivered',
      statusChangedAt: at,
      rejectionReason: letter.rejected ? rejectionReasons[0]! : null,
      carriesReturnStamp: letter.carriesReturnStamp,
      stampsCharged: 0,
      readAt: null,
    };
    rows.push(reviewedRow(spec, residentId, contactIds[index % contactIds.length]!));
  }
  return rows;
}

export interface FanoutFacility {
  readonly siteId: string;
  readonly unitIds: readonly string[];
  readonly residentIds: readonly string[];
  readonly messages: number;
}

export async function seedFanoutFacility(
  hub: HubContext,
  input: { units: number; residentsPerUnit: number; messagesPerResident: number },
): Promise<FanoutFacility> {
  const site = await createSite(hub, { name: 'Riverbend County Detention Center' });
  for (let index = 0; index < 3; index += 1)
    await addStaff(hub, { siteId: site.siteId, displayName: `Officer ${index + 1}`, badgeId: `STAFF-${index + 1}`, pin: '9876' });
  const unitIds: string[] = [];
  const residentIds: string[] = [];
  for (let unit = 0; unit < input.units; unit += 1) {
    const housingUnit = await addHousingUnit(hub, { siteId: site.siteId, name: `${String.fromCharCode(65 + unit)}-Pod` });
    unitIds.push(housingUnit.housingUnitId);
    for (let index = 0; index < input.residentsPerUnit; index += 1) {
      const number = unit * 1000 + index + 1;
      const seeded = await residentWithContacts(hub, housingUnit.housingUnitId, `B${number}`, `Resident ${number}`, 2);
      await bulkReviewedMessages(hub, seeded, input.messagesPerResident - 1, number);
      await serviceReviewedMessages(hub, seeded, 1);
      residentIds.push(seeded.resident.resident_id);
    }
  }
  return { siteId: site.siteId, unitIds, residentIds, messages: residentIds.length * input.messagesPerResident };
}

interface LoggedMessageRow extends MessageRow {
  readonly seq: number;
  readonly site_id: string;
  readonly audience_unit: string | null;
  readonly audience_resident: string | null;
  readonly audience_device: string | null;
  readonly entity: string;
  readonly record_id: string;
  readonly log_version: number;
  readonly op: string;
  readonly data: unknown;
  readonly created_at: number;
}

export interface MessageLogCheck {
  readonly changeRows: number;
  readonly messages: number;
}

/**
 * Proves the message rows in the change log are what the services write: each parses as a protocol Change, carries
 * exactly messageChange(the stored message) at its version, goes to publishForResident's audience, was logged when
 * review decided (log order = review order), and each message has exactly the one review decision review records.
 */
export async function verifyMessageChanges(hub: HubContext, residentId: string): Promise<MessageLogCheck> {
  const [resident] = await hub.database.query<ResidentRow>(`SELECT ${residentColumns} FROM residents WHERE resident_id = $1`, [residentId]);
  if (resident === undefined) throw new Error(`no resident ${residentId}`);
  const fail = (seq: number, what: string): never => {
    throw new Error(`change_log row ${seq}: ${what}`);
  };
  let afterSeq = 0;
  let lastCreatedAt = 0;
  let changeRows = 0;
  for (;;) {
    const rows = await hub.database.query<LoggedMessageRow>(
      `SELECT c.seq, c.site_id, c.audience_unit, c.audience_resident, c.audience_device, c.entity, c.record_id, c.version AS log_version, c.op,
              c.data, c.created_at, ${messageColumns
                .split(', ')
                .map((column) => `m.${column}`)
                .join(', ')}
         FROM change_log c JOIN messages m ON m.message_id = c.record_id
        WHERE c.audience_resident = $1 AND c.entity = 'message' AND c.seq > $2
        ORDER BY c.seq LIMIT 5000`,
      [residentId, afterSeq],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const parsed = Change.safeParse({ entity: row.entity, id: row.record_id, version: row.log_version, op: row.op, data: row.data });
      if (!parsed.success) fail(row.seq, `not a protocol Change (${parsed.error.issues[0]?.path.join('.') ?? ''})`);
      const expected = messageChange(row, []);
      if (expected.op !== 'upsert' || !isDeepStrictEqual(row.data, expected.data) || row.log_version !== expected.version)
        fail(row.seq, 'is not messageChange(the stored message)');
      if (row.site_id !== resident.site_id || row.audience_unit !== resident.housing_unit_id || row.audience_device !== null)
        fail(row.seq, 'is not addressed to the resident and their unit');
      if (row.created_at !== row.status_changed_at || row.created_at < lastCreatedAt) fail(row.seq, 'was not logged in review order');
      lastCreatedAt = row.created_at;
    }
    changeRows += rows.length;
    afterSeq = rows.at(-1)!.seq;
  }
  const [counts] = await hub.database.query<{ messages: number; well_reviewed: number; attachments: number; visible: number }>(
    `SELECT count(*)::int AS messages,
            count(*) FILTER (WHERE (SELECT count(*) FROM review_decisions d WHERE d.message_id = m.message_id) = 1
                               AND EXISTS (SELECT 1 FROM review_decisions d WHERE d.message_id = m.message_id AND d.attachment_id IS NULL
                                             AND d.decision = CASE WHEN m.status = 'rejected' THEN 'rejected' ELSE 'approved' END
                                             AND d.decided_at = m.status_changed_at))::int AS well_reviewed,
            (SELECT count(*)::int FROM attachments a JOIN messages am ON am.message_id = a.message_id WHERE am.resident_id = $1) AS attachments,
            count(*) FILTER (WHERE m.direction = 'outbound' OR m.status IN ('delivered', 'read'))::int AS visible
       FROM messages m WHERE m.resident_id = $1`,
    [residentId],
  );
  // One change row per letter the resident may see; rejected family letters have none (visibleToResident).
  if (counts === undefined || counts.visible !== changeRows || counts.well_reviewed !== counts.messages || counts.attachments !== 0) {
    throw new Error(`message rows and change rows disagree: ${JSON.stringify({ changeRows, ...counts })}`);
  }
  return { changeRows, messages: counts.messages };
}

/** The digest (main/sync/replica-digest) of what a kiosk of `unitId` should hold: the hub's view of its scope. */
export async function kioskScopeDigest(hub: HubContext, siteId: string, unitId: string): Promise<string> {
  const records: ReplicaRecord[] = [];
  const [site] = await hub.database.query<{ version: number }>('SELECT version FROM sites WHERE site_id = $1', [siteId]);
  records.push({ entity: 'siteRules', id: siteId, version: site?.version ?? 0, data: await getSiteRules(hub.database, siteId) });
  for (const staff of await listStaff(hub.database, siteId))
    records.push({ entity: 'staff', id: staff.staff_id, version: staff.version, data: staffRecord(staff) });
  const residents = await hub.database.query<ResidentRow>(`SELECT ${residentColumns} FROM residents WHERE housing_unit_id = $1 AND status = 'active'`, [
    unitId,
  ]);
  for (const resident of residents) {
    for (const change of await residentSnapshot(hub.database, resident)) {
      if (change.op === 'upsert') records.push({ entity: change.entity, id: change.id, version: change.version, data: change.data });
    }
  }
  return digestOfRecords(records);
}

export interface SeededDevice {
  readonly deviceId: string;
  readonly secret: string;
  readonly kind: 'kiosk' | 'tablet';
  /** The kiosk's unit, or the unit of the tablet's resident. */
  readonly unitId: string;
  /** The tablet's resident; null for a kiosk. */
  readonly residentId: string | null;
}

/**
 * Enrolled devices in bulk, for the live-change benchmarks' thousands: the rows enrollDevice writes (a fresh secret,
 * only its hash stored) plus, for a tablet, the assigned resident that assignTablet sets. assignTablet's snapshot is
 * not written here: every device starts from cursor null, and its first pull writes its scope's snapshot (pull.ts
 * startFreshScope), as a tablet assigned before its first sync gets. Kiosks go round-robin over `unitIds`, tablets over
 * `residents`; one multi-row statement per 2,000 devices instead of an enrollment round trip each.
 */
export async function seedDevices(
  hub: HubContext,
  input: { siteId: string; kiosks: readonly string[]; tablets: readonly { residentId: string; unitId: string }[] },
): Promise<SeededDevice[]> {
  const devices: SeededDevice[] = [
    ...input.kiosks.map((unitId) => ({ deviceId: randomUUID(), secret: newDeviceSecret(), kind: 'kiosk' as const, unitId, residentId: null })),
    ...input.tablets.map((tablet) => ({
      deviceId: randomUUID(),
      secret: newDeviceSecret(),
      kind: 'tablet' as const,
      unitId: tablet.unitId,
      residentId: tablet.residentId,
    })),
  ];
  const now = hub.now();
  for (let start = 0; start < devices.length; start += rowsPerStatement) {
    const rows = devices.slice(start, start + rowsPerStatement).map((device, index) => ({
      device_id: device.deviceId,
      kind: device.kind,
      device_name: `bench ${device.kind} ${start + index + 1}`,
      housing_unit_id: device.kind === 'kiosk' ? device.unitId : null,
      assigned_resident_id: device.residentId,
      secret_hash: sha256Hex(device.secret),
    }));
    await hub.database.query(
      `INSERT INTO devices (device_id, site_id, kind, device_name, app_version, housing_unit_id, assigned_resident_id, secret_hash, enrolled_at)
       SELECT e->>'device_id', $2, e->>'kind', e->>'device_name', '0.1.0', e->>'housing_unit_id', e->>'assigned_resident_id', e->>'secret_hash', $3
         FROM jsonb_array_elements($1::jsonb) AS t(e)`,
      [JSON.stringify(rows), input.siteId, now],
    );
  }
  return devices;
}

export interface ApprovedLetter {
  readonly messageId: string;
  readonly residentId: string;
  /** Epoch ms in the hub's process when reviewMessage's transaction had committed. */
  readonly approvedAt: number;
}

/** One family letter per resident, written and approved through the real services, as review does one after another. */
export async function approveLetters(hub: HubContext, input: { residentIds: readonly string[]; tag: string }): Promise<ApprovedLetter[]> {
  const approved: ApprovedLetter[] = [];
  for (const residentId of input.residentIds) {
    const [contact] = await hub.database.query<{ contact_id: string }>(
      `SELECT contact_id FROM contacts WHERE resident_id = $1 AND approved ORDER BY contact_id LIMIT 1`,
      [residentId],
    );
    if (contact === undefined) throw new Error(`resident ${residentId} has no approved contact`);
    const message = await sendFamilyMessage(hub, { contactId: contact.contact_id, body: `${liveLetterPrefix} ${input.tag}: see you Sunday.` });
    await reviewMessage(hub, { decision: 'approve', messageId: message.message_id, reviewer });
    approved.push({ messageId: message.message_id, residentId, approvedAt: Date.now() });
  }
  return approved;
}
