// A version on trial ends its trial only by proving its health (main/update/health-confirmation.ts); the launcher
// refuses, in words and with the exit code systemd does not restart on, an install root that leads nowhere.
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { confirmHealthOfTrial } from '../../../main/update/health-confirmation';
import { installLayout, readInstallState } from '../../../main/update/install-layout';
import { launcherPath, makeInstallRoot } from '../../support/app-versions';
import { silentLogger } from '../../support/synced-device';
import { makeTempDir } from '../../support/temp-dir';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function rootOnTrial(): string {
  const dir = makeTempDir('dayroom-trial-');
  cleanups.push(() => dir.remove());
  const root = join(dir.path, 'install');
  makeInstallRoot(root, '0.1.0', 'minimal');
  mkdirSync(join(root, installLayout.versions, '0.2.0'));
  writeFileSync(join(root, installLayout.trial), '0.2.0 0.1.0\n');
  writeFileSync(join(root, installLayout.trialStarted), '');
  return root;
}

describe('a version on trial', () => {
  it('is kept once healthy: the trial ends', async () => {
    const root = rootOnTrial();
    // The running version is the one current names.
    makeCurrent(root, '0.2.0');
    let restarts = 0;
    const outcome = await confirmHealthOfTrial({
      root,
      runningVersion: '0.2.0',
      healthy: async () => true,
      onUnhealthy: () => (restarts += 1),
      logger: silentLogger(),
    });
    expect(outcome).toBe('confirmed');
    expect(readInstallState(root).trial).toBeNull();
    expect(restarts).toBe(0);
  });

  it('that fails its check asks for a restart and leaves the trial for the launcher to roll back', async () => {
    const root = rootOnTrial();
    makeCurrent(root, '0.2.0');
    let restarts = 0;
    const outcome = await confirmHealthOfTrial({
      root,
      runningVersion: '0.2.0',
      healthy: async () => false,
      onUnhealthy: () => (restarts += 1),
      logger: silentLogger(),
    });
    expect(outcome).toBe('unhealthy');
    expect(restarts).toBe(1);
    expect(readInstallState(root).trial).toEqual({ version: '0.2.0', previous: '0.1.0' });
  });

  it('is not ended by another version, which is not on trial', async () => {
    const root = rootOnTrial();
    let checked = false;
    const outcome = await confirmHealthOfTrial({
      root,
      runningVersion: '0.1.0',
      healthy: async () => (checked = true),
      onUnhealthy: () => undefined,
      logger: silentLogger(),
    });
    expect(outcome).toBe('noTrial');
    expect(checked).toBe(false);
    expect(readInstallState(root).trial).toEqual({ version: '0.2.0', previous: '0.1.0' });
  });
});

describe('the launcher', () => {
  it('refuses an install root whose current link leads nowhere, with exit code 78 (systemd does not restart on it)', () => {
    const dir = makeTempDir('dayroom-launch-');
    cleanups.push(() => dir.remove());
    const result = spawnSync(launcherPath, ['--data', dir.path, join(dir.path, 'nothing-here'), 'true'], { encoding: 'utf8' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('current does not lead to an installed version');
    const usage = spawnSync(launcherPath, ['true'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('usage: dayroom-launch --data <data folder> <install root> <command>');
  });
});

function makeCurrent(root: string, version: string): void {
  unlinkSync(join(root, installLayout.current));
  symlinkSync(`versions/${version}`, join(root, installLayout.current));
}
