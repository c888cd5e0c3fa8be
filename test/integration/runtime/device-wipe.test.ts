// A wipe cut by a power loss leaves the device wiped or intact, never half: a real process is SIGKILLed at each step of
// the wipe (test/support/wipe-child.ts), then a real runtime starts on what is left and the outcome is checked on disk
// and through the contract.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDeviceLogger } from '../../../main/logging';
import { createDeviceRuntime } from '../../../main/runtime';
import { residentQueries } from '../../../main/store/residents';
import { fileCredentialVault, writeDeviceCredential } from '../../../main/sync/credential';
import { wipePending } from '../../../main/device-wipe';
import { demoResidents, seedDemoResidents } from '../../../scripts/demo-data';
import { testSiteConfig } from '../../support/device-fixture';
import { killAtStep } from '../../support/kill-at-step';
import { makeTempDir } from '../../support/temp-dir';

const blobSha = 'ab'.repeat(32);

/** A device with people on it: the demo residents in a real store, a credential and an attachment file. */
async function deviceWithData(dataDir: string): Promise<void> {
  await seedDemoResidents(join(dataDir, 'device.sqlite'));
  writeDeviceCredential(dataDir, {
    deviceId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    secret: 'k'.repeat(43),
    // A closed loopback port: the restarted runtime's sync fails quietly, which is not what is under test.
    hubUrl: 'http://127.0.0.1:9/',
    siteId: 'site-1',
    siteName: 'Riverbend',
    kind: 'kiosk',
    housingUnitId: 'B',
    enrolledAt: 1,
  });
  mkdirSync(join(dataDir, 'blobs', 'ab'), { recursive: true });
  writeFileSync(join(dataDir, 'blobs', 'ab', blobSha), 'a photo');
}

function runChildUntil(dataDir: string, stopAt: string): Promise<void> {
  return killAtStep('test/support/wipe-child.ts', [dataDir, stopAt], stopAt);
}

type Outcome = 'intact' | 'wiped';

/** Starts a real runtime on the folder (which finishes a pending wipe first) and says which state it found. */
async function startAndClassify(dataDir: string): Promise<Outcome> {
  // Looked at before the start: the sync engine's sweep removes attachment files no record names, as this one is.
  const blobBeforeStart = existsSync(join(dataDir, 'blobs', 'ab', blobSha));
  const runtime = await createDeviceRuntime({
    config: testSiteConfig('/dev/null'),
    dataDir,
    readers: [],
    random: () => 0.5,
    logger: createDeviceLogger({ dataDir: null }),
  });
  try {
    const residents = residentQueries(runtime.database).count();
    const credential = fileCredentialVault(dataDir).read().kind;
    const blob = existsSync(join(dataDir, 'blobs', 'ab', blobSha));
    const status = await runtime.bridge.call('enrollment.status', {});
    if (residents === demoResidents.length && credential === 'found' && blobBeforeStart) {
      expect(status).toMatchObject({ ok: true, value: { credential: 'enrolled', showEnrollment: false } });
      return 'intact';
    }
    // Anything else must be all gone: no one's records, no credential, no attachment, no marker left to finish.
    expect({ residents, credential, blob, pending: wipePending(dataDir) }).toEqual({ residents: 0, credential: 'none', blob: false, pending: false });
    expect(status).toMatchObject({ ok: true, value: { credential: 'none', showEnrollment: true } });
    return 'wiped';
  } finally {
    await runtime.stop();
  }
}

describe('wiping a device survives a power cut at any step', () => {
  it.each([
    ['beforeMarker', 'intact'],
    ['markerWritten', 'wiped'],
    ['credentialErased', 'wiped'],
    ['storeRemoved', 'wiped'],
    ['attachmentsRemoved', 'wiped'],
    ['finished', 'wiped'],
  ] as const)('killed at %s: the device comes back %s', async (stopAt, expected) => {
    const dir = makeTempDir();
    try {
      const dataDir = join(dir.path, 'data');
      await deviceWithData(dataDir);
      await runChildUntil(dataDir, stopAt);
      expect(await startAndClassify(dataDir)).toBe(expected);
      if (expected === 'wiped') {
        // And again: a second start finds the same (nothing half-done was left to change it).
        expect(await startAndClassify(dataDir)).toBe('wiped');
      }
      if (expected === 'wiped') {
        expect(readdirSync(dataDir).filter((name) => name.startsWith('hub-credential'))).toEqual([]);
        // The fresh runtime makes an empty attachment folder again; nothing of the old one is in it.
        const files = existsSync(join(dataDir, 'blobs'))
          ? readdirSync(join(dataDir, 'blobs'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
          : [];
        expect(files).toEqual([]);
      }
    } finally {
      dir.remove();
    }
  });
});
