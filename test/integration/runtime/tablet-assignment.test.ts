// A tablet's assignment through the real runtime against a real hub on loopback (the demo hub, PGlite): an unassigned
// tablet refuses residents in words; staff assign it by booking number and the backfill lets the person sign in and
// read their mail; unassigning first sends what they wrote (refusing, with nothing lost, while the hub is down), then
// leaves no row of theirs in any table of the store and no photo file on disk.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simulateScan } from '../../../hardware/simulators/serial-scanner-simulator';
import { startPtyPair, type PtyPair } from '../../../hardware/simulators/pty-pair';
import type { CallName, EventName, EventPayload, SessionView } from '../../../main/contract';
import { revokeDevice } from '../../../hub/services/index';
import { wipePending } from '../../../main/device-wipe';
import { createDeviceRuntime, type DeviceRuntime } from '../../../main/runtime';
import { auditLogQueries } from '../../../main/store/audit-log';
import { residentDataQueries, residentDataTables } from '../../../main/store/resident-data';
import { demoResidents, demoStaff } from '../../../scripts/demo-data';
import { startDemoHub, type DemoHub } from '../../../scripts/demo-hub';
import { testSiteConfig } from '../../support/device-fixture';
import { migratedPgliteImage } from '../../support/hub-databases';
import { makeTempDir } from '../../support/temp-dir';

const [marcus] = demoResidents as [(typeof demoResidents)[0]];

let hub: DemoHub;
let pty: PtyPair;
let runtime: DeviceRuntime;
let dataDir: string;
let dir: ReturnType<typeof makeTempDir>;

beforeEach(async () => {
  dir = makeTempDir();
  hub = await startDemoHub({
    dataDir: join(dir.path, 'hub'),
    port: 0,
    consoleFile: join(dir.path, 'hub.json'),
    logger: pino({ level: 'silent' }),
    pgliteImage: await migratedPgliteImage(),
  });
  pty = await startPtyPair(dir.path);
  dataDir = join(dir.path, 'data');
  const config = testSiteConfig(pty.devicePath, {
    device: { name: 'Tablet 0042', mode: 'tablet' },
    hub: { url: hub.running.url, backoffBaseSeconds: 0.2, backoffMaxSeconds: 1, requestTimeoutSeconds: 5 },
  });
  runtime = await createDeviceRuntime({ config, dataDir, random: () => 0.5 });
  const enrolled = await runtime.enroll(hub.running.url, await hub.tabletEnrollmentCode());
  expect(enrolled.ok).toBe(true);
  // The first pull brings the site's rules and its staff (whose badges work on every device), and nobody else.
  await runtime.sync?.whenResting();
}, 60_000);
afterEach(async () => {
  await runtime.stop();
  await hub.close();
  await pty.kill();
  dir.remove();
}, 60_000);

const call = (name: CallName, input: unknown = {}) => runtime.bridge.call(name, input);

function nextEvent<N extends EventName>(name: N, predicate: (payload: EventPayload<N>) => boolean = () => true): Promise<EventPayload<N>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching ${name} event`)), 20_000);
    const stop = runtime.bridge.onEvent((eventName: EventName, payload: unknown) => {
      if (eventName !== name) return;
      const typed = payload as EventPayload<N>;
      if (predicate(typed)) {
        clearTimeout(timer);
        stop();
        resolve(typed);
      }
    });
  });
}
const nextView = (predicate: (view: SessionView) => boolean) => nextEvent('session.changed', predicate);

async function scan(text: string, expected: (view: SessionView) => boolean): Promise<void> {
  const view = nextView(expected);
  await simulateScan(pty.hostPath, text, { symbology: 'code39' });
  await view;
}

async function enterServiceMode(): Promise<void> {
  await scan(demoStaff.badge, (view) => view.phase === 'pinEntry' && view.subject === 'staff');
  await expect(call('session.enterPin', { pin: demoStaff.pin })).resolves.toMatchObject({ ok: true, value: { phase: 'service' } });
}

async function signInMarcus(): Promise<void> {
  await scan(marcus.badge, (view) => view.phase === 'pinEntry' && view.subject === 'resident');
  await expect(call('session.enterPin', { pin: marcus.pin })).resolves.toMatchObject({
    ok: true,
    value: { phase: 'signedIn', resident: { displayName: marcus.displayName } },
  });
}

async function marcusAtHub(): Promise<string> {
  const [row] = await hub.database.query<{ resident_id: string }>("SELECT resident_id FROM residents WHERE credential_id = '100001'");
  if (row === undefined) throw new Error('no Marcus at the hub');
  return row.resident_id;
}

function blobFiles(): string[] {
  const root = join(dataDir, 'blobs');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
}

function rowsOf(residentId: string): Record<string, number> {
  return residentDataQueries(runtime.database).rowCounts(residentId);
}

describe('tablet assignment in service mode', () => {
  it('assign → backfill → the resident signs in and reads their mail; unassign → nothing of theirs is left', async () => {
    const marcusId = await marcusAtHub();
    await expect(call('device.info')).resolves.toMatchObject({ ok: true, value: { mode: 'tablet', tablet: { assigned: false } } });
    // A resident's card on a tablet that serves nobody is refused in words.
    await scan(marcus.badge, (view) => view.phase === 'attract' && view.notice === 'tabletNotAssigned');

    await enterServiceMode();
    await expect(call('service.overview')).resolves.toMatchObject({ ok: true, value: { mode: 'tablet', tabletAssignee: null } });
    await expect(call('service.assignTablet', { bookingNumber: '999999', staffPin: demoStaff.pin })).resolves.toEqual({
      ok: true,
      value: { assigned: false, error: 'bookingNumberUnknown' },
    });
    const assignedInfo = nextEvent('device.infoChanged', (info) => info.tablet?.assigned === true);
    const assigned = await call('service.assignTablet', { bookingNumber: '100001', staffPin: demoStaff.pin });
    expect(assigned).toEqual({
      ok: true,
      value: { assigned: true, assignee: { residentId: marcusId, displayName: marcus.displayName, bookingNumber: '100001' }, recordsArrived: true },
    });
    await assignedInfo;
    await expect(call('service.overview')).resolves.toMatchObject({
      ok: true,
      value: { tabletAssignee: { displayName: marcus.displayName, bookingNumber: '100001' } },
    });
    // Someone else's booking number while Marcus has it: unassign first.
    await expect(call('service.assignTablet', { bookingNumber: '100002', staffPin: demoStaff.pin })).resolves.toEqual({
      ok: true,
      value: { assigned: false, error: 'alreadyAssigned' },
    });
    await call('service.signOut');

    await signInMarcus();
    const conversations = await call('mail.conversations');
    expect(conversations).toMatchObject({ ok: true, value: [expect.objectContaining({ contact: expect.objectContaining({ displayName: 'Denise Lee' }) })] });
    await runtime.sync?.whenResting();
    // The photo in his mother's letter is on disk now.
    expect(blobFiles()).toHaveLength(1);
    await call('session.signOut');
    expect(Object.values(rowsOf(marcusId)).some((n) => n > 0)).toBe(true);

    await enterServiceMode();
    const unassignedInfo = nextEvent('device.infoChanged', (info) => info.tablet?.assigned === false);
    await expect(call('service.unassignTablet', { confirm: 'unassign', staffPin: demoStaff.pin })).resolves.toEqual({
      ok: true,
      value: { unassigned: true, previous: { residentId: marcusId, displayName: marcus.displayName, bookingNumber: '100001' } },
    });
    await unassignedInfo;

    // Every table that can hold a person's data, queried one by one: no row of Marcus is left, nor his photo.
    expect(Object.keys(rowsOf(marcusId)).sort()).toEqual(Object.keys(residentDataTables).sort());
    expect(rowsOf(marcusId)).toEqual(Object.fromEntries(Object.keys(residentDataTables).map((table) => [table, 0])));
    expect(runtime.database.prepare("SELECT count(*) AS n FROM mail_search WHERE body LIKE '%kids drew you%'").get()).toEqual({ n: 0 });
    expect(blobFiles()).toEqual([]);
    const [tablet] = await hub.database.query<{ assigned_resident_id: string | null }>("SELECT assigned_resident_id FROM devices WHERE kind = 'tablet'");
    expect(tablet?.assigned_resident_id).toBeNull();
    // Both actions are in the audit log with the staff member and the person's record id.
    const audit = auditLogQueries(runtime.database);
    const head = audit.head();
    const actions =
      head === null
        ? []
        : audit
            .entries(head.chain, 0, 1000)
            .filter((row) => row.kind === 'staffAction')
            .map((row) => JSON.parse(row.details) as { action: string; residentId?: string });
    expect(actions).toEqual(
      expect.arrayContaining([
        { action: 'assignTablet', residentId: marcusId },
        { action: 'unassignTablet', residentId: marcusId },
      ]),
    );
    await call('service.signOut');

    // The evict that follows finds nothing to do, and the tablet is back to serving staff only.
    await runtime.sync?.syncThrough('pull');
    expect(rowsOf(marcusId).residents).toBe(0);
    await expect(call('device.info')).resolves.toMatchObject({ ok: true, value: { tablet: { assigned: false } } });
    await scan(marcus.badge, (view) => view.phase === 'attract' && view.notice === 'tabletNotAssigned');
  }, 90_000);

  it('refuses to unassign while the hub is down and a letter is unsent, losing nothing; then sends it and unassigns', async () => {
    const marcusId = await marcusAtHub();
    await enterServiceMode();
    await expect(call('service.assignTablet', { bookingNumber: '100001', staffPin: demoStaff.pin })).resolves.toMatchObject({
      ok: true,
      value: { assigned: true, recordsArrived: true },
    });
    await call('service.signOut');

    await hub.stop();
    await signInMarcus();
    const conversations = await call('mail.conversations');
    if (!conversations.ok) throw new Error('no conversations');
    const [mother] = conversations.value as Array<{ contact: { contactId: string } }>;
    if (mother === undefined) throw new Error('no contact');
    const body = 'Written while the hub was down: see you Sunday.';
    await expect(call('mail.send', { contactId: mother.contact.contactId, body, replyToMessageId: null, draftId: null })).resolves.toMatchObject({ ok: true });
    await call('session.signOut');

    await enterServiceMode();
    const before = rowsOf(marcusId);
    await expect(call('service.unassignTablet', { confirm: 'unassign', staffPin: demoStaff.pin })).resolves.toEqual({
      ok: true,
      value: { unassigned: false, error: 'hubUnreachable', unsent: 1 },
    });
    // Nothing was removed: the letter still waits to go, and everything else of his is still here.
    expect(rowsOf(marcusId)).toEqual(before);
    expect(before.outbox).toBeGreaterThan(0);
    expect(runtime.database.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND name = 'sendMessage'").get()).toEqual({ n: 1 });
    await expect(call('service.overview')).resolves.toMatchObject({ ok: true, value: { tabletAssignee: { residentId: marcusId } } });

    await hub.start();
    await expect(call('service.unassignTablet', { confirm: 'unassign', staffPin: demoStaff.pin })).resolves.toMatchObject({
      ok: true,
      value: { unassigned: true },
    });
    // The letter reached the facility before his data left the tablet.
    const sent = await hub.database.query<{ body: string }>("SELECT body FROM messages WHERE resident_id = $1 AND direction = 'outbound'", [marcusId]);
    expect(sent.map((row) => row.body)).toEqual([body]);
    expect(rowsOf(marcusId)).toEqual(Object.fromEntries(Object.keys(residentDataTables).map((table) => [table, 0])));
  }, 90_000);

  it('a wrong staff PIN is refused with the tries left; a revoked credential brings the enrollment screen; a hub-ordered wipe wipes', async () => {
    await enterServiceMode();
    await expect(call('service.assignTablet', { bookingNumber: '100001', staffPin: '0000' })).resolves.toEqual({
      ok: true,
      value: { assigned: false, error: 'staffPinWrong', attemptsLeft: 4 },
    });
    await expect(call('service.unassignTablet', { confirm: 'unassign', staffPin: '0000' })).resolves.toMatchObject({
      ok: true,
      value: { unassigned: false, error: 'notAssigned' },
    });
    await expect(call('service.assignTablet', { bookingNumber: '100001', staffPin: demoStaff.pin })).resolves.toMatchObject({
      ok: true,
      value: { assigned: true, recordsArrived: true },
    });
    await call('service.signOut');

    const tabletAtHub = async (): Promise<{ device_id: string; site_id: string }> => {
      const [row] = await hub.database.query<{ device_id: string; site_id: string }>(
        "SELECT device_id, site_id FROM devices WHERE kind = 'tablet' AND revoked_at IS NULL",
      );
      if (row === undefined) throw new Error('no trusted tablet at the hub');
      return row;
    };
    const first = await tabletAtHub();
    await expect(revokeDevice(hub.running.context, { siteId: first.site_id, deviceId: first.device_id, reason: 'lost', wipe: false })).resolves.toMatchObject({
      ok: true,
    });
    const revokedStatus = nextEvent('enrollment.changed', (status) => status.showEnrollment);
    runtime.sync?.send({ type: 'SYNC_NOW' });
    await expect(revokedStatus).resolves.toMatchObject({ credential: 'revoked', showEnrollment: true });
    await expect(call('sync.status')).resolves.toMatchObject({ ok: true, value: { lastError: { code: 'deviceRevoked' } } });
    // Marcus's data is still on the tablet (it cannot pull the hub's evict), but the runtime no longer signs him in.
    expect(rowsOf(await marcusAtHub()).residents).toBe(1);
    await scan(marcus.badge, (view) => 'notice' in view && view.notice === 'tabletNotAssigned');

    // The enrollment screen's call works now, without staff: the facility decided this device serves nobody as it is.
    await expect(call('enrollment.enroll', { hubUrl: hub.running.url, code: await hub.tabletEnrollmentCode() })).resolves.toMatchObject({
      ok: true,
      value: { enrolled: true },
    });
    await expect(call('enrollment.status')).resolves.toMatchObject({ ok: true, value: { credential: 'enrolled', showEnrollment: false } });
    await runtime.sync?.whenResting();

    // Reported lost with --wipe: on its next contact the tablet commits to the crash-safe wipe, and the next start finishes it.
    const second = await tabletAtHub();
    expect(second.device_id).not.toBe(first.device_id);
    await expect(revokeDevice(hub.running.context, { siteId: second.site_id, deviceId: second.device_id, reason: 'lost', wipe: true })).resolves.toMatchObject({
      ok: true,
    });
    runtime.sync?.send({ type: 'SYNC_NOW' });
    await expect.poll(() => wipePending(dataDir), { timeout: 20_000 }).toBe(true);
    await runtime.stop();
    runtime = await createDeviceRuntime({
      config: testSiteConfig(pty.devicePath, { device: { name: 'Tablet 0042', mode: 'tablet' }, hub: { url: hub.running.url } }),
      dataDir,
    });
    expect(wipePending(dataDir)).toBe(false);
    await expect(call('enrollment.status')).resolves.toMatchObject({ ok: true, value: { credential: 'none', showEnrollment: true } });
  }, 150_000);

  it('refuses both calls on a kiosk with notATablet', async () => {
    await runtime.stop();
    const kioskDir = join(dir.path, 'kiosk');
    runtime = await createDeviceRuntime({ config: testSiteConfig(pty.devicePath, { hub: { url: hub.running.url } }), dataDir: kioskDir });
    const enrolled = await runtime.enroll(hub.running.url, await hub.kioskEnrollmentCode());
    expect(enrolled.ok).toBe(true);
    await runtime.sync?.whenResting();
    await enterServiceMode();
    await expect(call('service.assignTablet', { bookingNumber: '100001', staffPin: demoStaff.pin })).resolves.toEqual({
      ok: true,
      value: { assigned: false, error: 'notATablet' },
    });
    await expect(call('service.unassignTablet', { confirm: 'unassign', staffPin: demoStaff.pin })).resolves.toEqual({
      ok: true,
      value: { unassigned: false, error: 'notATablet', unsent: 0 },
    });
    await expect(call('device.info')).resolves.toMatchObject({ ok: true, value: { tablet: null } });
    await expect(call('service.overview')).resolves.toMatchObject({ ok: true, value: { tabletAssignee: null } });
  }, 90_000);
});
