// Shared by the device ↔ real hub tests: a real hub on loopback (test/integration/hub/fixture.ts) over PGlite or a
// real PostgreSQL server, devices enrolled with it over HTTP and running the real sync engine on stores on disk
// (test/support/synced-device.ts), hub-side helpers for what families and staff do, and the convergence check.
import { expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { RefusalCode } from '../../../hub/protocol/index';
import { issueEnrollmentCode, reviewMessage, sendFamilyMessage, type DeviceKind } from '../../../hub/services/index';
import type { HubContext } from '../../../hub/services/context';
import type { SyncSettings } from '../../../main/sync/engine';
import { outboxQueries } from '../../../main/store/outbox';
import { syncStateQueries } from '../../../main/store/sync-state';
import { hubScopeDigest, hubScopeRecords } from '../../support/hub-scope-digest';
import { blobFolderState, deliveredAttachmentHashes, enrollSyncedDevice, syncToQuiet, type SyncedDevice } from '../../support/synced-device';
import { testEpoch, type TestHub } from '../hub/fixture';

export interface EnrollOnOptions {
  readonly name: string;
  readonly siteId: string;
  readonly kind: DeviceKind;
  readonly housingUnitId?: string | null;
  readonly via?: string;
  readonly settings?: Partial<SyncSettings>;
  readonly fetch?: typeof fetch;
}

export async function enrollOn(testHub: TestHub, options: EnrollOnOptions): Promise<SyncedDevice> {
  const issued = await issueEnrollmentCode(testHub.hub, { siteId: options.siteId, kind: options.kind, housingUnitId: options.housingUnitId ?? null });
  return enrollSyncedDevice({
    name: options.name,
    hubUrl: testHub.url,
    code: issued.code,
    ...(options.via === undefined ? {} : { via: options.via }),
    ...(options.settings === undefined ? {} : { settings: options.settings }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
}

/** JPEG magic, then `size` bytes that differ per photo: real attachment bytes the hub's sniffing accepts. */
export function photo(size = 2_000, seed?: Buffer): Buffer {
  const body = seed ?? randomBytes(size);
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), body, Buffer.from([0xff, 0xd9])]);
}

export interface FamilyMessageOptions {
  readonly photos?: readonly Buffer[];
  readonly returnStamp?: boolean;
  /** Review: approve (optionally withholding attachments by position), reject, or leave it waiting. */
  readonly review?: { readonly decision: 'approve'; readonly withhold?: readonly number[] } | { readonly decision: 'reject'; readonly reason: string } | 'none';
}

/** A family member writes; review decides (approve by default). Returns the message id. */
export async function familyMessage(hub: HubContext, contactId: string, body: string, options: FamilyMessageOptions = {}): Promise<string> {
  const message = await sendFamilyMessage(hub, {
    contactId,
    body,
    attachments: (options.photos ?? []).map((bytes) => ({ kind: 'photo' as const, bytes })),
    carriesReturnStamp: options.returnStamp ?? false,
  });
  const review = options.review ?? { decision: 'approve' };
  if (review === 'none') return message.message_id;
  if (review.decision === 'reject') {
    await reviewMessage(hub, { decision: 'reject', messageId: message.message_id, reviewer: 'Officer Grant', reason: review.reason });
    return message.message_id;
  }
  const attachments = await hub.database.query<{ attachment_id: string; position: number }>(
    'SELECT attachment_id, position FROM attachments WHERE message_id = $1 ORDER BY position',
    [message.message_id],
  );
  const withheld = attachments.filter((attachment) => (review.withhold ?? []).includes(attachment.position));
  await reviewMessage(hub, {
    decision: 'approve',
    messageId: message.message_id,
    reviewer: 'Officer Grant',
    rejectedAttachments: withheld.map((attachment) => ({ attachmentId: attachment.attachment_id, reason: 'Not allowed in this facility.' })),
  });
  return message.message_id;
}

/**
 * Syncs every device to quiet, then checks each against the hub's view of its scope: the same records (compared
 * record by record first, for a readable failure), the same digest, nothing waiting, and on disk exactly the verified
 * files of its delivered attachments with no download left half-way.
 */
export async function expectConverged(hub: HubContext, devices: readonly SyncedDevice[]): Promise<void> {
  // Quiet is a whole round of syncs that moves no device: one device going quiet before another pushes (a tablet's
  // "read" after the kiosk's last pull, say) leaves the first behind the hub, which one pass in order missed under load.
  const fingerprints = (): string[] => devices.map((device) => `${device.digest()}|${device.cursor() ?? ''}`);
  let before: string[] | null = null;
  for (let round = 0; ; round++) {
    for (const device of devices) await syncToQuiet(device);
    const after = fingerprints();
    if (before !== null && after.every((fingerprint, index) => fingerprint === before?.[index])) break;
    if (round === 10) throw new Error(`the devices did not become quiet together in ${round + 1} rounds of syncs`);
    before = after;
  }
  for (const device of devices) {
    const expected = await hubScopeRecords(hub.database, device.deviceId);
    expect(device.records(), `${device.name}'s replica`).toEqual(expected);
    expect(device.digest(), `${device.name}'s digest`).toBe(await hubScopeDigest(hub.database, device.deviceId));
    const blobs = blobFolderState(device.dataDir);
    expect({ temporary: blobs.temporary, damaged: blobs.damaged, files: blobs.files }, `${device.name}'s attachment files`).toEqual({
      temporary: [],
      damaged: [],
      files: deliveredAttachmentHashes(device.db),
    });
  }
}

/** Puts a mutation in the outbox as an older version (or a damaged store) might have, without today's checks. */
export function storeUncheckedMutation(device: SyncedDevice, name: string, args: unknown, residentId: string | null): number {
  return device.db.transaction(() => {
    const mutationId = syncStateQueries(device.db).allocateMutationId();
    outboxQueries(device.db).insert({ mutationId, name, argsJson: JSON.stringify(args), residentId, createdAt: testEpoch });
    return mutationId;
  })();
}

/** Every mutation the device ever recorded is settled: applied, or refused with a code the hub's protocol defines. */
export function expectAtRest(device: SyncedDevice): void {
  const outbox = device.db
    .prepare<[], { mutation_id: number; status: string; result_code: string | null }>(
      'SELECT mutation_id, status, result_code FROM outbox ORDER BY mutation_id',
    )
    .all();
  for (const row of outbox) {
    expect(row.status, `mutation ${row.mutation_id}`).not.toBe('pending');
    if (row.status === 'refused')
      expect(RefusalCode.safeParse(row.result_code).success, `code of mutation ${row.mutation_id}: ${String(row.result_code)}`).toBe(true);
  }
}
