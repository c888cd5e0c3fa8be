// No half-written update (docs/deployment.md §12): an install is killed with SIGKILL after each of its steps (and
// before it starts) — a power cut as far as one process can show it — and then the real launcher starts whatever the
// install root holds. Each time the launcher starts a whole version, the old one or the new one, never a mix: the
// folder it runs from holds that version's package.json and every file of it. An install after the cut then completes,
// whatever the cut left behind.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installVersion, readInstallState, type InstallStep } from '../../../main/update/install-layout';
import { launcherPath, makeInstallRoot, packAppBuild } from '../../support/app-versions';
import { killAtStep } from '../../support/kill-at-step';
import { makeTempDir } from '../../support/temp-dir';

const cutPoints: readonly ('beforeStart' | InstallStep)[] = ['beforeStart', 'unpacked', 'synced', 'renamed', 'trialWritten', 'swapped'];

function installUntil(root: string, version: string, archive: string, stopAt: string): Promise<void> {
  return killAtStep('test/support/update-install-child.ts', [root, version, archive, stopAt], stopAt);
}

/** Runs the launcher with a command that reports the folder it was started in: its version and its files' text. */
function launch(root: string, dataDir: string): { version: string; readme: string; said: string } {
  const report =
    "const fs = require('node:fs'); console.log(JSON.stringify({ version: JSON.parse(fs.readFileSync('package.json', 'utf8')).version, readme: fs.readFileSync('README.txt', 'utf8') }))";
  const result = spawnSyncText(launcherPath, ['--data', dataDir, root, process.execPath, '-e', report]);
  const parsed = JSON.parse(result.stdout) as { version: string; readme: string };
  return { ...parsed, said: result.stderr };
}

function spawnSyncText(command: string, args: string[]): { stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { stdout, stderr: '' };
  } catch (error) {
    throw new Error(`the launcher failed: ${String((error as { stderr?: string }).stderr ?? error)}`, { cause: error });
  }
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('an update install cut at any step', () => {
  it.each(cutPoints)('killed after "%s": the launcher starts a whole version, and the next install completes', async (stopAt) => {
    const dir = makeTempDir('dayroom-install-cut-');
    cleanups.push(() => dir.remove());
    const root = join(dir.path, 'install');
    const dataDir = join(dir.path, 'data');
    mkdirSync(dataDir);
    makeInstallRoot(root, '0.1.0', 'minimal');
    const archive = packAppBuild(dir.path, '0.2.0', 'minimal');

    await installUntil(root, '0.2.0', archive, stopAt);
    const started = launch(root, dataDir);
    // Before the swap the old version starts; after it, the new one, on trial.
    const expected = stopAt === 'swapped' ? '0.2.0' : '0.1.0';
    expect(started.version).toBe(expected);
    expect(started.readme).toBe(`Dayroom ${expected}\n`);
    const state = readInstallState(root);
    expect(state.current).toBe(expected);
    expect(state.trial).toEqual(stopAt === 'swapped' ? { version: '0.2.0', previous: '0.1.0' } : null);

    if (stopAt === 'swapped') return;
    // What the cut left (a half-unpacked folder, a whole one not yet current, a trial file naming a version not yet
    // current) does not stop the next install.
    await installVersion(root, '0.2.0', archive, 'webhost-linux');
    expect(readInstallState(root)).toEqual({ current: '0.2.0', trial: { version: '0.2.0', previous: '0.1.0' }, refused: new Set() });
    expect(launch(root, dataDir)).toMatchObject({ version: '0.2.0', readme: 'Dayroom 0.2.0\n' });
  });
});
