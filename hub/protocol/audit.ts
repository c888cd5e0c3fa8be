// The audit log's shared definition (docs/security.md §9 "The audit log and its hash chain"): sign-ins, wrong PINs, lockouts and staff actions,
// appended on the device with a hash chain and synced to the hub. The entry schema, its one encoding (over
// rules/canonical-json.ts) and the chain check live here because the device (which hashes) and the hub (which recomputes, and verifies on the
// console) must agree byte for byte; defining them twice would let the two drift apart silently.
//
// Nothing free-form goes in: every kind has a strict details schema of enums, counts, times and ids, and an actor is a
// record id — never a PIN, a card number, a credential or a message body.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson, CanonicalJsonError } from '../../rules/canonical-json';
import { Id, Sha256Hex, Timestamp } from './records';

/** The prev_hash of a device's first entry: there is nothing before it. */
export const auditGenesisHash = '0'.repeat(64);

/**
 * A record id, refused when it is all digits: hub ids are UUIDs (and demo ids carry a prefix), while a PIN and most
 * booking and card numbers are all digits — so a caller that passed one of those by mistake is stopped at the door.
 */
const ActorId = Id.refine((id) => !/^\d+$/.test(id), 'an actor is a record id; an all-digit value looks like a PIN or a card number');

export const ResidentActor = z.object({ kind: z.literal('resident'), id: ActorId }).strict();
export const StaffActor = z.object({ kind: z.literal('staff'), id: ActorId }).strict();
export const AuditActor = z.discriminatedUnion('kind', [ResidentActor, StaffActor]);
export type AuditActor = z.infer<typeof AuditActor>;

/** Why a session ended; the same words the kiosk session machine uses. */
export const AuditSignOutReason = z.enum(['signedOut', 'signedOutIdle', 'sessionTimeLimit']);

/**
 * What staff can do in service mode. An enum rather than text, so an action name can never carry a code, a PIN or a
 * sentence; a new action is a protocol change the hub sees too.
 */
export const StaffActionName = z.enum([
  'enterServiceMode',
  'leaveServiceMode',
  'enrollDevice',
  'syncNow',
  'testReaders',
  'assignTablet',
  'wipeTablet',
  /** The tablet was taken back from its resident, whose data was removed from it (details name the resident). */
  'unassignTablet',
  'viewAuditLog',
  // Service mode (main/service-mode): what staff took away or set going. Reading the screens is not audited.
  'exportLogs',
  'restartApp',
]);
export type StaffActionName = z.infer<typeof StaffActionName>;

/** A reader's id from the site file (e.g. "front-scanner"): letters, digits, spaces and a few separators — never what it read. */
const ReaderId = z.string().regex(/^[\p{L}\p{N} ._:/-]{1,64}$/u, 'a reader id from the site file');

/**
 * Each kind with who may be its actor and its details. `credentialUnrecognized` has no actor (nobody was
 * identified) and names only the reader and whether the card looked like a person's card at all.
 */
export const AuditEvent = z.discriminatedUnion('kind', [
  // A resident's session, or a staff member's service-mode session.
  z.object({ kind: z.literal('signIn'), actor: AuditActor, details: z.object({}).strict() }).strict(),
  z.object({ kind: z.literal('signOut'), actor: AuditActor, details: z.object({ reason: AuditSignOutReason }).strict() }).strict(),
  // Wrong PINs and lockouts, of residents and of staff alike (each counted on their own).
  z.object({ kind: z.literal('pinRejected'), actor: AuditActor, details: z.object({ attemptsLeft: z.number().int().min(0).max(100) }).strict() }).strict(),
  z.object({ kind: z.literal('lockedOut'), actor: AuditActor, details: z.object({ until: Timestamp }).strict() }).strict(),
  /** A card of a person who is locked out was used; the PIN is not even asked for. */
  z.object({ kind: z.literal('lockedOutAttempt'), actor: AuditActor, details: z.object({ until: Timestamp }).strict() }).strict(),
  z
    .object({
      kind: z.literal('credentialUnrecognized'),
      actor: z.null(),
      details: z.object({ reader: ReaderId, reason: z.enum(['notAPersonCard', 'notKnownHere']) }).strict(),
    })
    .strict(),
  /**
   * The device was enrolled again under a new id and starts a new chain (the hub keeps one per id); the first entry
   * names where the old chain ended and how many of its entries never reached the hub (they stay on the device).
   */
  z
    .object({
      kind: z.literal('chainRestarted'),
      actor: z.null(),
      details: z
        .object({
          previousDeviceId: Id.nullable(),
          previousSeq: z.number().int().positive(),
          previousHash: Sha256Hex,
          unsentEntries: z.number().int().nonnegative(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({ kind: z.literal('staffAction'), actor: StaffActor, details: z.object({ action: StaffActionName, residentId: ActorId.optional() }).strict() })
    .strict(),
]);
export type AuditEvent = z.infer<typeof AuditEvent>;
export type AuditKind = AuditEvent['kind'];
export type AuditActorOf<K extends AuditKind> = Extract<AuditEvent, { kind: K }>['actor'];
export type AuditDetailsOf<K extends AuditKind> = Extract<AuditEvent, { kind: K }>['details'];

export const auditKinds: readonly AuditKind[] = AuditEvent.options.map((option) => option.shape.kind.value);

/**
 * An entry as the device appends it and pushes it (the `appendAuditEntry` mutation's args): the event inside its
 * place in the chain. `deviceId` is the hub's id for the device, or null for entries written before it was first
 * enrolled (a demo or a fresh kiosk signs people in before it has a hub).
 */
export const AuditEntry = z
  .object({
    deviceId: Id.nullable(),
    seq: z.number().int().positive(),
    at: Timestamp,
    event: AuditEvent,
    prevHash: Sha256Hex,
    hash: Sha256Hex,
  })
  .strict();
export type AuditEntry = z.infer<typeof AuditEntry>;

/** Everything the hash covers: the entry without its own hash. Details are any JSON here, so a verifier can hash what it read back. */
export interface AuditHashedFields {
  readonly deviceId: string | null;
  readonly seq: number;
  readonly at: number;
  readonly kind: string;
  readonly actor: { readonly kind: string; readonly id: string } | null;
  readonly details: unknown;
  readonly prevHash: string;
}

/**
 * The one encoding the hash is taken over: a JSON array with a version tag and every field in a fixed position. A
 * position never moves and each value is typed JSON, so no two different entries encode alike (no delimiter to
 * smuggle, no field that could slide into its neighbour).
 */
export function auditHashInput(fields: AuditHashedFields): string {
  return canonicalJson([
    'dayroom.audit.v1',
    fields.deviceId,
    fields.seq,
    fields.at,
    fields.kind,
    fields.actor === null ? null : [fields.actor.kind, fields.actor.id],
    fields.details,
    fields.prevHash,
  ]);
}

export function auditEntryHash(fields: AuditHashedFields): string {
  return createHash('sha256').update(auditHashInput(fields), 'utf8').digest('hex');
}

/** The hashed fields of a well-formed entry. */
export function hashedFieldsOf(entry: Omit<AuditEntry, 'hash'>): AuditHashedFields {
  return {
    deviceId: entry.deviceId,
    seq: entry.seq,
    at: entry.at,
    kind: entry.event.kind,
    actor: entry.event.actor,
    details: entry.event.details,
    prevHash: entry.prevHash,
  };
}

/** What is wrong at the first broken link of a chain. */
export type AuditChainProblem =
  /** The entry expected here is missing: the next one stored has another seq. */
  | { readonly seq: number; readonly problem: 'gap'; readonly foundSeq: number }
  /** The entry does not name the previous entry's hash (or the genesis hash, for seq 1). */
  | { readonly seq: number; readonly problem: 'prevHashMismatch' }
  /** The entry's fields no longer hash to its hash: something in it was changed after it was written. */
  | { readonly seq: number; readonly problem: 'hashMismatch' };

export type AuditChainLink = AuditHashedFields & { readonly hash: string };

/**
 * Walks a chain from seq 1, one entry at a time (so the hub can feed it page by page), and stops at the first broken
 * link. Each entry is checked whole before the next: a changed field of entry k is reported at k, never at k + 1
 * (whose prev_hash no longer matches k's changed hash).
 */
export class AuditChainVerifier {
  private expectedSeq = 1;
  private previousHash = auditGenesisHash;
  private brokenAt: AuditChainProblem | null = null;

  /** Entries checked and found sound so far. */
  get verified(): number {
    return this.expectedSeq - 1;
  }

  get problem(): AuditChainProblem | null {
    return this.brokenAt;
  }

  /** Checks the next entry (in seq order); returns the problem, and keeps returning it once the chain is broken. */
  check(entry: AuditChainLink): AuditChainProblem | null {
    if (this.brokenAt !== null) return this.brokenAt;
    const seq = this.expectedSeq;
    if (entry.seq !== seq) this.brokenAt = { seq, problem: 'gap', foundSeq: entry.seq };
    else if (entry.prevHash !== this.previousHash) this.brokenAt = { seq, problem: 'prevHashMismatch' };
    else if (!hashMatches(entry)) this.brokenAt = { seq, problem: 'hashMismatch' };
    if (this.brokenAt !== null) return this.brokenAt;
    this.expectedSeq += 1;
    this.previousHash = entry.hash;
    return null;
  }
}

function hashMatches(entry: AuditChainLink): boolean {
  try {
    return auditEntryHash(entry) === entry.hash;
  } catch (error) {
    // Details that are no longer JSON (changed in the database) cannot hash to anything that was written.
    if (error instanceof CanonicalJsonError) return false;
    throw error;
  }
}

export function verifyAuditChain(entries: Iterable<AuditChainLink>): { readonly verified: number; readonly problem: AuditChainProblem | null } {
  const verifier = new AuditChainVerifier();
  for (const entry of entries) if (verifier.check(entry) !== null) break;
  return { verified: verifier.verified, problem: verifier.problem };
}
