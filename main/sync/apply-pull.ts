// Applies one pull batch to the device's replica and stores the cursor that follows it, in one SQLite transaction:
// the batch lands whole or not at all (PowerSync's rule), and applying it twice changes nothing (versions decide).
// It trusts nothing it is given: every change is checked against the protocol before anything is written.
import { z } from 'zod';
import { Change, syncedEntities, type PullResponse, type SyncedEntity } from '../../hub/protocol';
import { compileQuickParse, notCertain } from '../../hub/protocol/quick-parse';
import type { DeviceDatabase } from '../store/database';
import { storeQueriesOf } from '../store/store-queries';
import { PullEnvelope } from './hub-client';
import { isStorageFull } from '../store/storage-full';

export type ApplyPullError =
  /** The batch breaks the protocol; `changeIndex` is null when the envelope itself is wrong. Nothing was written. */
  | { readonly kind: 'invalidBatch'; readonly changeIndex: number | null; readonly problem: string }
  /** The store refused a write (a constraint, a full disk); the transaction rolled back. */
  | { readonly kind: 'storeFailed'; readonly problem: string; readonly storageFull: boolean };

export interface ApplyPullSummary {
  /** Changes that wrote something. */
  readonly applied: number;
  /** Changes the replica already had (same or newer version): the sign of a batch seen before. */
  readonly unchanged: number;
  readonly evicted: number;
  /** Attachment hashes no row refers to any more; their files were removed. */
  readonly releasedBlobs: readonly string[];
  readonly cursor: string;
  readonly hasMore: boolean;
}

export type ApplyPullOutcome = { readonly ok: true; readonly value: ApplyPullSummary } | { readonly ok: false; readonly error: ApplyPullError };

/** The blob files apply-pull may remove once nothing refers to them (see blobs.ts). */
export interface ReleasableBlobs {
  remove(sha256: string): void;
}

export interface ApplyPullOptions {
  /** Stored as the residents' updated_at. */
  readonly now: number;
  readonly blobs?: ReleasableBlobs;
}

type UpsertChange = Extract<Change, { op: 'upsert' }>;

/** The field of each record that must equal the change's id: a change that names one record and carries another is refused. */
const recordKey: { [E in SyncedEntity]: (data: z.output<(typeof syncedEntities)[E]>) => string } = {
  resident: (data) => data.residentId,
  staff: (data) => data.staffId,
  contact: (data) => data.contactId,
  message: (data) => data.messageId,
  stampEntry: (data) => data.entryId,
  debitEntry: (data) => data.entryId,
  balance: (data) => data.residentId,
  visit: (data) => data.visitId,
  letterStopped: (data) => data.noticeId,
  messagingPause: (data) => data.pauseId,
  siteRules: (data) => data.siteId,
};

const ChangeHeader = z.object({ entity: z.string().max(40), op: z.string().max(20) });

/**
 * The protocol's Change schema compiled into a quick parse that answers only for a change zod would accept, with zod's
 * own output (hub/protocol/quick-parse.ts). Nearly every change is one; anything else, and every error's wording, is
 * zod's.
 */
const quickParseChange = compileQuickParse(Change);

/** Where a value went wrong, by field path and issue code only: the values themselves may be personal. */
function describeIssues(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'does not fit the protocol';
  if (first.code === 'invalid_union' && 'errors' in first) {
    // The union tried every shape; report the closest one (fewest issues) rather than "no union member matched".
    const closest = [...first.errors].sort((a, b) => a.length - b.length)[0]?.[0];
    if (closest) return `${closest.path.join('.') || 'change'}: ${closest.code}`;
  }
  return `${first.path.join('.') || 'change'}: ${first.code}`;
}

function problemWith(change: Change): string | null {
  if (change.op !== 'upsert') return null;
  const key = (recordKey[change.entity] as (data: unknown) => string)(change.data);
  if (key !== change.id) return `the ${change.entity} record inside does not have the change's id`;
  if (change.entity === 'message') {
    const ids = change.data.attachments.map((attachment) => attachment.attachmentId);
    if (new Set(ids).size !== ids.length) return 'a message lists the same attachment twice';
  }
  return null;
}

/** Checks the whole batch before a single write; the first problem refuses it all. */
export function validatePullBatch(batch: unknown): { ok: true; value: PullResponse } | { ok: false; error: ApplyPullError } {
  const envelope = PullEnvelope.safeParse(batch);
  if (!envelope.success) return { ok: false, error: { kind: 'invalidBatch', changeIndex: null, problem: describeIssues(envelope.error) } };
  const changes: Change[] = [];
  for (const [index, raw] of envelope.data.changes.entries()) {
    let change = quickParseChange(raw);
    if (change === notCertain) {
      const parsed = Change.safeParse(raw);
      if (!parsed.success) {
        const header = ChangeHeader.safeParse(raw);
        const what = header.success ? `${header.data.entity} ${header.data.op}` : 'change';
        return { ok: false, error: { kind: 'invalidBatch', changeIndex: index, problem: `${what}: ${describeIssues(parsed.error)}` } };
      }
      change = parsed.data;
    }
    const problem = problemWith(change);
    if (problem) return { ok: false, error: { kind: 'invalidBatch', changeIndex: index, problem } };
    changes.push(change);
  }
  return { ok: true, value: { ...envelope.data, changes } };
}

export function applyPull(db: DeviceDatabase, batch: unknown, options: ApplyPullOptions): ApplyPullOutcome {
  const validated = validatePullBatch(batch);
  if (!validated.ok) return validated;
  const { changes, cursor, hasMore } = validated.value;

  const { replica, residents, pinLockouts: lockouts, outbox, syncState } = storeQueriesOf(db);

  // What the device held before the batch, asked once per entity for the whole batch (two statements each, instead of
  // one per change: most of a catch-up's changes are records it has never held). It stays true for a record until
  // this batch writes or deletes that record, or evicts anyone (which removes records the batch does not name); from
  // then on the record, or every record, is asked again one by one.
  const idsByEntity = new Map<SyncedEntity, string[]>();
  for (const change of changes) {
    if (change.op === 'evict') continue;
    const ids = idsByEntity.get(change.entity);
    if (ids === undefined) idsByEntity.set(change.entity, [change.id]);
    else ids.push(change.id);
  }
  // Read inside the batch's transaction (below), so nothing can change between the reading and the writing.
  let before = new Map<SyncedEntity, ReturnType<typeof replica.knownVersionsOf>>();
  const touched = new Map<SyncedEntity, Set<string>>();
  let evictedAny = false;
  const touch = (entity: SyncedEntity, id: string): void => {
    const ids = touched.get(entity);
    if (ids === undefined) touched.set(entity, new Set([id]));
    else ids.add(id);
  };

  /** The newest version this device has seen of the record, written or deleted, and whether a tombstone holds it. */
  const knownOf = (entity: SyncedEntity, id: string): { version: number | null; tombstoned: boolean } => {
    const held = before.get(entity);
    const { row, tombstone } =
      held === undefined || evictedAny || touched.get(entity)?.has(id) === true
        ? replica.knownVersions(entity, id)
        : { row: held.rows.get(id) ?? null, tombstone: held.tombstones.get(id) ?? null };
    if (tombstone === null) return { version: row, tombstoned: false };
    return { version: row === null ? tombstone : Math.max(row, tombstone), tombstoned: true };
  };

  const write = (change: UpsertChange, absent: boolean): string[] => {
    switch (change.entity) {
      case 'resident': {
        const { housingUnitId, lockedUntil, lockoutClearedAt, ...resident } = change.data;
        // Staff cleared the person's lockout at the hub since this device last heard: its own count goes too, or the
        // person would stay locked out here after the hub let them back in.
        if (lockoutClearedAt !== null && lockoutClearedAt !== residents.hubLockout(change.id).lockoutClearedAt) lockouts.remove('resident', change.id);
        // A language the person chose here that the hub has not heard yet stays until it has: the hub then sends the
        // record again with the newer of that choice and its own (hub/services/resident-language.ts).
        const language = outbox.pendingLanguageChoiceFor(change.id) ?? resident.language;
        residents.putFromHub({ ...resident, language, housingUnit: housingUnitId }, change.version, options.now, { lockedUntil, lockoutClearedAt });
        return [];
      }
      case 'staff':
        replica.putStaff(change.data, change.version);
        return [];
      case 'contact':
        replica.putContact(change.data, change.version);
        return [];
      case 'message':
        return replica.putMessage(change.data, change.version, { absent });
      case 'stampEntry':
      case 'debitEntry':
        replica.putLedgerEntry(change.entity, change.data, change.version);
        return [];
      case 'balance':
        replica.putBalance(change.data, change.version);
        return [];
      case 'visit':
        replica.putVisit(change.data, change.version);
        return [];
      case 'letterStopped':
        replica.putLetterStopped(change.data, change.version);
        return [];
      case 'messagingPause':
        replica.putMessagingPause(change.data, change.version);
        return [];
      case 'siteRules':
        replica.putSiteRules(change.data, change.version);
        return [];
      default: {
        const unreachable: never = change;
        return unreachable;
      }
    }
  };

  const remove = (entity: SyncedEntity, id: string): string[] => {
    if (entity === 'resident') {
      residents.remove(id);
      return [];
    }
    return replica.remove(entity, id);
  };

  let summary: ApplyPullSummary;
  try {
    summary = db.transaction((): ApplyPullSummary => {
      before = new Map([...idsByEntity].map(([entity, ids]) => [entity, replica.knownVersionsOf(entity, ids)]));
      let applied = 0;
      let unchanged = 0;
      let evicted = 0;
      const touchedBlobs: string[] = [];
      for (const change of changes) {
        switch (change.op) {
          case 'upsert': {
            const known = knownOf(change.entity, change.id);
            if (known.version !== null && known.version >= change.version) {
              unchanged += 1;
              break;
            }
            touch(change.entity, change.id);
            touchedBlobs.push(...write(change, known.version === null));
            if (known.tombstoned) replica.clearTombstone(change.entity, change.id);
            applied += 1;
            break;
          }
          case 'delete': {
            const { version: known } = knownOf(change.entity, change.id);
            if (known !== null && known >= change.version) {
              unchanged += 1;
              break;
            }
            touch(change.entity, change.id);
            touchedBlobs.push(...remove(change.entity, change.id));
            // Remember the deletion, so an older upsert of the same record seen again cannot bring it back.
            replica.putTombstone(change.entity, change.id, change.version);
            applied += 1;
            break;
          }
          case 'evict': {
            // Everything of theirs goes, except what they did here that the hub has not yet seen.
            evictedAny = true;
            touchedBlobs.push(...replica.removeResidentRecords(change.id));
            residents.remove(change.id);
            lockouts.remove('resident', change.id);
            outbox.deleteSettledFor(change.id);
            evicted += 1;
            break;
          }
          default: {
            const unreachable: never = change;
            return unreachable;
          }
        }
      }
      syncState.setCursor(cursor);
      return { applied, unchanged, evicted, releasedBlobs: replica.unreferenced(touchedBlobs), cursor, hasMore };
    })();
  } catch (error) {
    return {
      ok: false,
      error: { kind: 'storeFailed', problem: error instanceof Error ? error.message : 'the store refused the batch', storageFull: isStorageFull(error) },
    };
  }

  // Only after the commit: a file removed for a batch that rolled back would be a photo lost. A crash between the
  // commit and here leaves an unreferenced file, which the blob sweep at start removes.
  for (const sha256 of summary.releasedBlobs) options.blobs?.remove(sha256);
  return { ok: true, value: summary };
}
