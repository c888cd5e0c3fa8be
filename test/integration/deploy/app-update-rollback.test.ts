// An update taken and one rolled back, end to end, as a kiosk in service runs them (docs/deployment.md §12): the real
// launcher (deploy/linux/dayroom-launch) starting real web hosts out of an install root, under a supervisor loop that
// does what systemd's Restart=always does, a real hub on loopback, builds packed and published with publish-update.
//   1. 0.1.0 runs, enrolled; the hub has 0.2.0. The device downloads and verifies it, installs it (no one is signed
//      in) and exits 75; the launcher starts 0.2.0 on trial, which proves its health and keeps it.
//   2. The hub gets 0.3.0, a build that changes the store's schema and dies on start. The device installs it; the
//      launcher starts it once; it dies; the launcher goes back to 0.2.0 with the store as it was before the trial and
//      refuses 0.3.0; 0.2.0 runs again, sees 0.3.0 offered and refuses it as failed before. Nothing the device held is lost.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../hub/commands/run';
import { hostReadyMarker } from '../../../main/host/marker';
import Database from 'better-sqlite3-multiple-ciphers';
import { deviceLogFiles, deviceLogPath } from '../../../main/log-files';
import { enrollDevice } from '../../../main/sync/credential';
import { readInstallState } from '../../../main/update/install-layout';
import { issueEnrollmentCode } from '../../../hub/services/index';
import { endWithThisProcess } from '../../../hardware/simulators/helper-processes';
import { crashingBuildTable, launcherPath, makeInstallRoot, packAppBuild } from '../../support/app-versions';
import { useHubDatabases } from '../../support/hub-databases';
import { makeTempDir } from '../../support/temp-dir';
import { seedFacility, startTestHub, type TestHub } from '../hub/fixture';

useHubDatabases();

interface Start {
  readonly child: ChildProcess;
  /** The version the host's ready line names; null before it is ready (or if it never is). */
  version: string | null;
  exitCode: number | null;
}

/** Restart=always around the launcher: every exit starts it again, until the test stops it. */
function supervise(command: readonly string[], env: NodeJS.ProcessEnv, launcherSaid: string[]) {
  const starts: Start[] = [];
  let stopped = false;
  const launch = (): void => {
    const child = endWithThisProcess(spawn(command[0] ?? '', command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env }));
    const start: Start = { child, version: null, exitCode: null };
    starts.push(start);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith(hostReadyMarker)) start.version = (JSON.parse(line.slice(hostReadyMarker.length)) as { version: string }).version;
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (line.startsWith('dayroom-launch:')) launcherSaid.push(line);
    });
    child.once('exit', (code) => {
      start.exitCode = code;
      if (!stopped) setTimeout(launch, 100);
    });
  };
  launch();
  return {
    starts,
    async stop(): Promise<void> {
      stopped = true;
      const last = starts[starts.length - 1];
      if (last !== undefined && last.exitCode === null) {
        const exited = new Promise((resolve) => last.child.once('exit', resolve));
        last.child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('an update under the launcher and a supervisor', () => {
  it('is kept when the new version proves its health, and rolled back, store and all, when it dies on start', { timeout: 600_000 }, async () => {
    const testHub: TestHub = await startTestHub('pglite');
    cleanups.push(() => testHub.close());
    const dir = makeTempDir('dayroom-rollback-');
    cleanups.push(() => dir.remove());
    const cli = async (...args: string[]): Promise<number> =>
      runCli(args, { out: () => undefined, err: (line) => console.error(line), env: { USER: 'it-lead' }, database: testHub.hub.database });

    // The facility: a hub with residents, the signing key, and 0.2.0 published.
    const facility = await seedFacility(testHub.hub);
    expect(await cli('update-signing-key', '--out', join(dir.path, 'keys'))).toBe(0);
    const signingKey = join(dir.path, 'keys', 'update-signing-key.pem');
    const publicKey = readFileSync(join(dir.path, 'keys', 'update-public-key.txt'), 'utf8').trim();
    const publish = (version: string, kind: 'webhost' | 'crashesAtStart'): Promise<number> =>
      cli('publish-update', '--variant', 'webhost-linux', '--version', version, '--file', packAppBuild(dir.path, version, kind), '--signing-key', signingKey);
    expect(await publish('0.2.0', 'webhost')).toBe(0);

    // The kiosk: 0.1.0 installed, enrolled with the hub, a site file naming the key.
    const root = join(dir.path, 'opt-dayroom-host');
    makeInstallRoot(root, '0.1.0', 'webhost');
    const dataDir = join(dir.path, 'var-lib-dayroom');
    mkdirSync(dataDir, { mode: 0o700 });
    const { code } = await issueEnrollmentCode(testHub.hub, { siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
    const enrolled = await enrollDevice({ dataDir, hubUrl: testHub.url, code, deviceName: 'A-Pod kiosk 1', appVersion: '0.1.0' });
    expect(enrolled.ok).toBe(true);
    const siteFile = join(dir.path, 'site.yaml');
    writeFileSync(
      siteFile,
      JSON.stringify({
        site: { name: 'Test County Jail' },
        device: { name: 'A-Pod kiosk 1', mode: 'kiosk', housingUnit: 'A-Pod' },
        languages: { offered: ['en', 'es'], default: 'en' },
        session: { idleSeconds: 60, idleWarningSeconds: 15, maxSessionMinutes: 15 },
        credentials: { resident: { pattern: '^(B\\d{4})$' } },
        hub: { url: testHub.url, syncIntervalSeconds: 5 },
        updates: { publicKey, checkEveryMinutes: 5 },
      }),
    );
    const rendererDir = join(dir.path, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Dayroom</title>');

    const launcherSaid: string[] = [];
    const command = [launcherPath, '--data', dataDir, root, process.execPath, '--import', 'tsx', 'main/host/cli.ts'];
    const hostArgs = ['--config', siteFile, '--data', dataDir, '--renderer', rendererDir, '--port', '0'];
    const env = { ...process.env, DAYROOM_FIRST_UPDATE_CHECK_MS: '200' };
    const supervisor = supervise([...command, ...hostArgs], env, launcherSaid);
    cleanups.push(() => supervisor.stop());
    const residents = (): number => {
      const db = new Database(join(dataDir, 'device.sqlite'), { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM residents').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };

    // 1. 0.1.0 starts, takes 0.2.0, restarts into it on trial, and 0.2.0 keeps itself.
    await expect.poll(() => supervisor.starts.map((start) => start.version), { timeout: 240_000, interval: 200 }).toContain('0.2.0');
    expect(supervisor.starts[0]?.version).toBe('0.1.0');
    expect(supervisor.starts[0]?.exitCode).toBe(75);
    await expect.poll(() => readInstallState(root).trial, { timeout: 120_000, interval: 200 }).toBeNull();
    expect(readInstallState(root)).toEqual({ current: '0.2.0', trial: null, refused: new Set() });
    expect(launcherSaid).toContain('dayroom-launch: starting version 0.2.0 on trial (previous: 0.1.0)');
    // The store keeps what the kiosk had synced: A-Pod's residents.
    await expect.poll(residents, { timeout: 120_000, interval: 200 }).toBeGreaterThan(0);
    const residentsBefore = residents();

    // 2. 0.3.0 dies on start after changing the store: back to 0.2.0, the store as it was, 0.3.0 refused for good.
    expect(await publish('0.3.0', 'crashesAtStart')).toBe(0);
    const startsBefore = supervisor.starts.length;
    // A restart makes 0.2.0 look at once (its schedule would wait five minutes).
    supervisor.starts.at(-1)?.child.kill('SIGTERM');
    await expect
      .poll(() => launcherSaid.some((line) => line.includes('version 0.3.0 did not confirm its health after it started; going back to 0.2.0')), {
        timeout: 240_000,
        interval: 200,
      })
      .toBe(true);
    await expect
      .poll(() => supervisor.starts.slice(startsBefore).filter((start) => start.version === '0.2.0').length, { timeout: 240_000, interval: 200 })
      .toBeGreaterThanOrEqual(2);
    const afterwards = supervisor.starts.slice(startsBefore);
    // 0.2.0 installed 0.3.0 and asked for a restart; 0.3.0 died with its own code, never ready; 0.2.0 came back.
    expect(afterwards.find((start) => start.exitCode === 75)?.version).toBe('0.2.0');
    expect(afterwards.some((start) => start.exitCode === 3 && start.version === null)).toBe(true);
    expect(readInstallState(root)).toEqual({ current: '0.2.0', trial: null, refused: new Set(['0.3.0']) });
    const db = new Database(join(dataDir, 'device.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM sqlite_master WHERE name = ?').get(crashingBuildTable)).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    expect(residents()).toBeGreaterThanOrEqual(residentsBefore);
    // The running version stays: a further check sees 0.3.0 and refuses it rather than installing it again.
    const restartsSoFar = supervisor.starts.length;
    supervisor.starts.at(-1)?.child.kill('SIGTERM');
    await expect.poll(() => supervisor.starts.slice(restartsSoFar).some((start) => start.version === '0.2.0'), { timeout: 240_000, interval: 200 }).toBe(true);
    expect(readInstallState(root)).toEqual({ current: '0.2.0', trial: null, refused: new Set(['0.3.0']) });
    const deviceLog = (): string =>
      deviceLogFiles(deviceLogPath(dataDir))
        .map((file) => readFileSync(file, 'utf8'))
        .join('');
    await expect.poll(() => deviceLog().includes('"refusal":"refusedBefore"'), { timeout: 120_000, interval: 200 }).toBe(true);
    expect(deviceLog()).toContain('this version passed its health check: the update is kept');
  });
});
