// A tablet's assignment, done by staff in its service mode (issue 8, "Assignment"). The hub decides who a tablet
// serves; the tablet asks it for itself only (its bearer credential names it) and then makes its own store agree:
//
// - Assign: the hub gives the tablet to the resident with the booking number staff typed, and the sync that follows
//   brings everything of theirs (the backfill). A tablet that serves someone is refused: unassign first.
// - Unassign: everything the person did here goes to the hub first, because once the hub takes the tablet back it
//   refuses their actions from it (outOfScope) — an unsent letter would be lost. If anything of theirs stays unsent,
//   nothing happens and staff are told how much and why. There is deliberately no "unassign anyway": a tablet the hub
//   cannot be reached from cannot be released at the hub either, and removing the person's data here alone would leave
//   the hub believing they still have it (it would send it nothing again). A tablet that must be cleared without the hub
//   is what "Wipe this device" is for, with its own warning. Once the hub has released it, the person's data leaves
//   this store in one transaction (main/store/resident-data.ts) and their photos after it, so nobody can sign in to
//   find it — before the hub's evict even arrives, which then finds nothing left to do.
//
// Staff prove who they are to the hub, not only to this tablet: the PIN they type again here travels with the request
// and the hub checks it against their PIN hash and counts wrong ones (hub/services/staff-proof.ts). A staff id alone
// would let anyone holding this tablet's credential give it to anyone. The PIN is asked again rather than kept from the
// service-mode sign-in: the runtime holds no PIN after checking it, and a service session left open must not be enough
// to hand a tablet over. Each request carries a fresh id; the hub refuses one it has seen (a replay).
//
// Who the tablet serves is read from the store: a tablet's scope is its one resident, so the resident it holds is its
// assignee. An assignment made at the hub's console therefore shows up here with the backfill, and an evict ends it.
import { randomUUID } from 'node:crypto';
import type { KioskConfig } from '../../kiosk-config/schema';
import type { AuditRecorder } from '../audit/audit-log';
import type { TabletAssignee, TabletAssignError, TabletAssignResult, TabletUnassignError, TabletUnassignResult } from '../contract';
import type { Logger } from '../logging';
import type { DeviceDatabase } from '../store/database';
import type { ReleasableBlobs } from '../sync/apply-pull';
import type { SyncEngine } from '../sync/engine';
import type { HubFailure } from '../sync/hub-client';
import { storeQueriesOf } from '../store/store-queries';

/**
 * Why a change of assignment could not start, in the tablet's own words: a service does not speak the transport, so
 * the bridge turns this into the caller's refusal (main/bridge/service-errors.ts).
 */
export type TabletAssignmentErrorCode = 'changeInProgress';

export class TabletAssignmentError extends Error {
  override readonly name = 'TabletAssignmentError';
  constructor(
    readonly code: TabletAssignmentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface TabletAssignmentDeps {
  readonly mode: KioskConfig['device']['mode'];
  readonly db: DeviceDatabase;
  /** The running sync engine; null before enrollment. */
  readonly sync: () => SyncEngine | null;
  readonly blobs: ReleasableBlobs;
  readonly audit: AuditRecorder;
  readonly logger: Logger;
  /** Called after the assignee changed (the screens' DeviceInfo follows). */
  readonly onChange: () => void;
}

/** The staff member in service mode and the PIN they typed again for this request; never logged. */
export interface StaffProof {
  readonly staffId: string;
  readonly staffPin: string;
}

export interface TabletAssignment {
  /** Who this tablet serves; null when nobody, and always on a kiosk. */
  assignee(): TabletAssignee | null;
  /** True on a tablet that serves nobody: residents' cards are refused in words there. */
  unassigned(): boolean;
  assign(staff: StaffProof, bookingNumber: string): Promise<TabletAssignResult>;
  unassign(staff: StaffProof): Promise<TabletUnassignResult>;
}

/** The hub could not be reached at all, as opposed to answering with a refusal. */
function unreachable(failure: HubFailure): boolean {
  switch (failure.kind) {
    case 'network':
    case 'timeout':
    case 'aborted':
      return true;
    case 'http':
    case 'invalidResponse':
      return false;
    default: {
      const unknownFailure: never = failure;
      return unknownFailure;
    }
  }
}

/** The refusals about staff proof and this device's credential, which assign and unassign share. */
type ProofError = 'staffNotKnown' | 'staffPinWrong' | 'staffLockedOut' | 'deviceRevoked' | 'tooManyAttempts';

function proofErrorOf(failure: Extract<HubFailure, { kind: 'http' }>): ProofError | null {
  switch (failure.code) {
    case 'staffNotKnown':
      return 'staffNotKnown';
    case 'staffPinWrong':
      return 'staffPinWrong';
    case 'staffLockedOut':
      return 'staffLockedOut';
    case 'deviceRevoked':
    case 'deviceWipeOrdered':
      return 'deviceRevoked';
    case 'rateLimited':
      return 'tooManyAttempts';
    default:
      return null;
  }
}

/** The tries left or the lockout's end, when the hub sent them, for the screen's words. */
function proofDetails(failure: HubFailure): { attemptsLeft?: number; lockedUntil?: number } {
  if (failure.kind !== 'http') return {};
  return {
    ...(failure.attemptsLeft === undefined ? {} : { attemptsLeft: failure.attemptsLeft }),
    ...(failure.lockedUntil === undefined ? {} : { lockedUntil: failure.lockedUntil }),
  };
}

function assignErrorOf(failure: HubFailure): TabletAssignError {
  if (unreachable(failure)) return 'hubUnreachable';
  if (failure.kind !== 'http') return 'hubRefused';
  const proofError = proofErrorOf(failure);
  if (proofError !== null) return proofError;
  switch (failure.code) {
    case 'notATablet':
      return 'notATablet';
    case 'bookingNumberUnknown':
      return 'bookingNumberUnknown';
    case 'residentReleased':
      return 'residentReleased';
    case 'tabletAssignedElsewhere':
      return 'alreadyAssigned';
    default:
      return 'hubRefused';
  }
}

function unassignErrorOf(failure: HubFailure): TabletUnassignError {
  if (unreachable(failure)) return 'hubUnreachable';
  if (failure.kind !== 'http') return 'hubRefused';
  if (failure.code === 'notATablet') return 'notATablet';
  return proofErrorOf(failure) ?? 'hubRefused';
}

export function createTabletAssignment(deps: TabletAssignmentDeps): TabletAssignment {
  const residents = storeQueriesOf(deps.db).residents;
  const outbox = storeQueriesOf(deps.db).outbox;
  const residentData = storeQueriesOf(deps.db).residentData;
  /** One assignment change at a time: a second press while the first waits on the hub must not start another. */
  let busy = false;

  const assignee = (): TabletAssignee | null => {
    if (deps.mode !== 'tablet') return null;
    const resident = residents.newest();
    return resident === null ? null : { residentId: resident.residentId, displayName: resident.displayName, bookingNumber: resident.credentialId };
  };

  async function exclusively<T>(work: () => Promise<T>): Promise<T> {
    if (busy) throw new TabletAssignmentError('changeInProgress', 'The tablet’s assignment is already being changed; wait for that to finish.');
    busy = true;
    try {
      return await work();
    } finally {
      busy = false;
    }
  }

  async function assign({ staffId, staffPin }: StaffProof, bookingNumber: string): Promise<TabletAssignResult> {
    if (deps.mode !== 'tablet') return { assigned: false, error: 'notATablet' };
    const sync = deps.sync();
    if (sync === null) return { assigned: false, error: 'notEnrolled' };
    if (assignee() !== null) return { assigned: false, error: 'alreadyAssigned' };
    const answer = await sync.hub.assignTablet({ bookingNumber, staffId, staffPin, requestId: randomUUID() });
    if (!answer.ok) {
      deps.logger.warn(
        { staffId, failure: answer.failure.kind, code: answer.failure.kind === 'http' ? answer.failure.code : undefined },
        'tablet assignment refused',
      );
      return { assigned: false, error: assignErrorOf(answer.failure), ...proofDetails(answer.failure) };
    }
    const { residentId, displayName } = answer.value;
    deps.logger.info({ staffId, residentId }, 'tablet assigned');
    deps.audit('staffAction', { kind: 'staff', id: staffId }, { action: 'assignTablet', residentId });
    // The backfill: their records, so they can sign in as soon as staff leave. Photos may follow after this answers.
    const status = await sync.syncThrough('pull');
    const recordsArrived = residents.byId(residentId) !== null;
    if (!recordsArrived)
      deps.logger.warn({ residentId, syncState: status.state, code: status.lastError?.code }, 'assigned at the hub; the records have not arrived yet');
    deps.onChange();
    return { assigned: true, assignee: { residentId, displayName, bookingNumber: answer.value.bookingNumber }, recordsArrived };
  }

  async function unassign({ staffId, staffPin }: StaffProof): Promise<TabletUnassignResult> {
    if (deps.mode !== 'tablet') return { unassigned: false, error: 'notATablet', unsent: 0 };
    const sync = deps.sync();
    if (sync === null) return { unassigned: false, error: 'notEnrolled', unsent: 0 };
    const previous = assignee();
    if (previous === null) return { unassigned: false, error: 'notAssigned', unsent: 0 };

    // 1. Everything the person did here goes to the hub while it still takes it from this tablet.
    const status = await sync.syncThrough('push');
    const unsent = outbox.pendingCountFor(previous.residentId);
    if (unsent > 0) {
      const hubDown = status.lastError !== null && (status.lastError.code === 'hubUnreachable' || status.lastError.code === 'hubTimeout');
      deps.logger.warn(
        { staffId, residentId: previous.residentId, unsent, code: status.lastError?.code },
        'unassignment refused: the person has actions the hub has not taken',
      );
      return { unassigned: false, error: hubDown ? 'hubUnreachable' : 'unsentItems', unsent };
    }

    // 2. The hub takes the tablet back (and queues the evict for it).
    const answer = await sync.hub.releaseTablet({ residentId: previous.residentId, staffId, staffPin, requestId: randomUUID() });
    if (!answer.ok) {
      deps.logger.warn(
        { staffId, failure: answer.failure.kind, code: answer.failure.kind === 'http' ? answer.failure.code : undefined },
        'tablet release refused',
      );
      return { unassigned: false, error: unassignErrorOf(answer.failure), unsent: 0, ...proofDetails(answer.failure) };
    }

    // 3. A pull already on its way when the hub released the tablet could still carry the person's records; let it
    // land first, so the removal below is the last word. Any pull after the release brings the evict instead.
    await sync.whenResting();
    // Nothing of theirs may have been recorded meanwhile (nobody can sign in during service mode), so this removes all.
    const removed = residentData.removeResident(previous.residentId);
    for (const sha256 of removed.releasedBlobs) deps.blobs.remove(sha256);
    deps.logger.info(
      {
        staffId,
        residentId: previous.residentId,
        rows: removed.rowsRemoved,
        files: removed.releasedBlobs.length,
        hubHadReleased: answer.value.releasedResidentId !== null,
      },
      'tablet unassigned; the person’s data was removed',
    );
    deps.audit('staffAction', { kind: 'staff', id: staffId }, { action: 'unassignTablet', residentId: previous.residentId });
    deps.onChange();
    // The evict (nothing left for it to do) and the audit entry go now rather than at the next interval.
    sync.send({ type: 'SYNC_NOW' });
    return { unassigned: true, previous };
  }

  return {
    assignee,
    unassigned: () => deps.mode === 'tablet' && assignee() === null,
    assign: (staff, bookingNumber) => exclusively(() => assign(staff, bookingNumber)),
    unassign: (staff) => exclusively(() => unassign(staff)),
  };
}
