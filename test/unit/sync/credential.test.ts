// The device credential: a 0600 file written atomically, read back exactly; enrollment against a stand-in hub, with
// every refusal in words staff can act on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { checkHubUrl, credentialPath, enrollDevice, readDeviceCredential, writeDeviceCredential, type DeviceCredential } from '../../../main/sync/credential';
import { makeTempDir } from '../../support/temp-dir';
import { reply, startStandInHub, type StandInHub } from './stand-in-hub';

let dir: ReturnType<typeof makeTempDir>;
let hub: StandInHub | null = null;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(async () => {
  await hub?.close();
  hub = null;
  dir.remove();
});

const credential: DeviceCredential = {
  deviceId: 'dev-1',
  secret: 'k'.repeat(43),
  hubUrl: 'https://hub.example/',
  siteId: 'site-1',
  siteName: 'Riverbend',
  kind: 'kiosk',
  housingUnitId: 'B',
  enrolledAt: 1_000,
};

describe('the credential file', () => {
  it('is written with mode 0600, atomically (no temp file left), and read back exactly', () => {
    const previousUmask = process.umask(0o022);
    try {
      writeDeviceCredential(dir.path, credential);
    } finally {
      process.umask(previousUmask);
    }
    expect(statSync(credentialPath(dir.path)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir.path)).toEqual(['hub-credential.json']);
    expect(readDeviceCredential(dir.path)).toEqual({ kind: 'found', credential, permissionsTightened: false });
  });

  it('stays 0600 when replaced, whatever the umask', () => {
    writeDeviceCredential(dir.path, credential);
    const previousUmask = process.umask(0o000);
    try {
      writeDeviceCredential(dir.path, { ...credential, deviceId: 'dev-2' });
    } finally {
      process.umask(previousUmask);
    }
    expect(statSync(credentialPath(dir.path)).mode & 0o777).toBe(0o600);
    expect(readDeviceCredential(dir.path)).toMatchObject({ kind: 'found', credential: { deviceId: 'dev-2' } });
  });

  it('a file others can read is closed again before use', () => {
    writeDeviceCredential(dir.path, credential);
    chmodSync(credentialPath(dir.path), 0o644);
    expect(readDeviceCredential(dir.path)).toMatchObject({ kind: 'found', permissionsTightened: true });
    expect(statSync(credentialPath(dir.path)).mode & 0o777).toBe(0o600);
  });

  it('no file means not enrolled; a damaged one is unreadable, without echoing its content', () => {
    expect(readDeviceCredential(dir.path)).toEqual({ kind: 'none' });
    writeFileSync(credentialPath(dir.path), '{"deviceId": "dev-1", "secret": "short"}', { mode: 0o600 });
    const read = readDeviceCredential(dir.path);
    expect(read.kind).toBe('unreadable');
    expect(JSON.stringify(read)).not.toContain('short');
    writeFileSync(credentialPath(dir.path), 'not json');
    expect(readDeviceCredential(dir.path)).toEqual({ kind: 'unreadable', problem: 'is not JSON' });
  });
});

/** A request timeout that holds at load 10 on the stand-in hub; none of these tests waits for it to fire. */
const enrollTimeoutMs = 15_000;

describe('hub addresses', () => {
  it.each([
    ['https://hub.riverbend.example', true],
    ['https://hub.riverbend.example/dayroom/', true],
    ['http://127.0.0.1:4800/', true],
    ['http://localhost:4800', true],
    ['http://[::1]:4800', true],
    ['http://hub.riverbend.example', false],
    ['ftp://hub.riverbend.example', false],
    ['https://user:pass@hub.example', false],
    ['https://hub.example/?x=1', false],
    ['not a url', false],
  ])('%s → %s', (url, ok) => {
    expect(checkHubUrl(url).ok).toBe(ok);
  });
});

describe('enrollDevice', () => {
  const enrollment = { deviceId: 'dev-9', secret: 'z'.repeat(43), siteId: 'site-1', siteName: 'Riverbend', kind: 'kiosk' as const, housingUnitId: 'B' };
  const enroll = (code: string, hubUrl = hub?.url ?? 'http://127.0.0.1:9/') =>
    enrollDevice({ dataDir: dir.path, hubUrl, code, deviceName: 'Unit B kiosk 1', appVersion: '0.1.0', now: () => 5_000, timeoutMs: enrollTimeoutMs });

  it('trades the code for a credential and stores it (0600)', async () => {
    hub = await startStandInHub(() => reply.enroll(enrollment));
    const outcome = await enroll(' abcd-2345 ');
    expect(outcome).toEqual({ ok: true, credential: { ...enrollment, hubUrl: hub.url, enrolledAt: 5_000 } });
    expect(hub.requests[0]).toMatchObject({ path: '/v1/enroll', body: { code: 'ABCD-2345', deviceName: 'Unit B kiosk 1', appVersion: '0.1.0' } });
    expect(readDeviceCredential(dir.path)).toMatchObject({ kind: 'found', credential: { deviceId: 'dev-9' } });
    expect(statSync(credentialPath(dir.path)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['enrollmentCodeInvalid', 404, 'badCode', /does not know that code/],
    ['enrollmentCodeExpired', 410, 'codeExpired', /expired/],
    ['enrollmentCodeUsed', 409, 'codeUsed', /already been used/],
    ['rateLimited', 429, 'hubRefused', /Too many tries/],
  ] as const)('the hub’s %s becomes %s in words, and nothing is stored', async (code, status, expected, words) => {
    hub = await startStandInHub(() => reply.error(status, code));
    const outcome = await enroll('ABCD-2345');
    expect(outcome).toMatchObject({ ok: false, error: { code: expected } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(words);
    expect(readDeviceCredential(dir.path)).toEqual({ kind: 'none' });
  });

  it('a code of the wrong shape is refused without asking the hub', async () => {
    hub = await startStandInHub(() => reply.enroll(enrollment));
    await expect(enroll('12')).resolves.toMatchObject({ ok: false, error: { code: 'badCode' } });
    expect(hub.requests).toEqual([]);
  });

  it('an unreachable hub, a plain-http address elsewhere, and something that is not a hub', async () => {
    hub = await startStandInHub(() => reply.raw(200, '<html>router login</html>'));
    const url = hub.url;
    await expect(enroll('ABCD-2345', url)).resolves.toMatchObject({ ok: false, error: { code: 'notAHub' } });
    await hub.close();
    hub = null;
    await expect(enroll('ABCD-2345', url)).resolves.toMatchObject({ ok: false, error: { code: 'hubUnreachable' } });
    await expect(enroll('ABCD-2345', 'http://hub.example/')).resolves.toMatchObject({ ok: false, error: { code: 'badHubUrl' } });
  });
});

describe('enrollDevice: TLS and addresses that are not a hub', () => {
  const enrollment = { deviceId: 'dev-9', secret: 'z'.repeat(43), siteId: 'site-1', siteName: 'Riverbend', kind: 'kiosk' as const, housingUnitId: 'B' };
  const enroll = (hubUrl: string) =>
    enrollDevice({ dataDir: dir.path, hubUrl, code: 'ABCD-2345', deviceName: 'Unit B kiosk 1', appVersion: '0.1.0', timeoutMs: enrollTimeoutMs });

  it('a handshake that fails (https spoken to a server that is not) is a TLS problem, not an unreachable hub', async () => {
    hub = await startStandInHub(() => reply.enroll(enrollment));
    await expect(enroll(hub.url.replace('http://', 'https://'))).resolves.toMatchObject({ ok: false, error: { code: 'tlsProblem' } });
    expect(readDeviceCredential(dir.path)).toEqual({ kind: 'none' });
  });

  it('a redirect or a page without the hub’s error shape is not a hub', async () => {
    hub = await startStandInHub(() => reply.raw(302, ''));
    await expect(enroll(hub.url)).resolves.toMatchObject({ ok: false, error: { code: 'notAHub' } });
    await hub.close();
    hub = await startStandInHub(() => reply.raw(404, '<html>Not Found</html>'));
    await expect(enroll(hub.url)).resolves.toMatchObject({ ok: false, error: { code: 'notAHub' } });
  });
});
