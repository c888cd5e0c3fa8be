// The kiosk session's install script and systemd units (deploy/linux/, docs/deployment.md), and the hub's units
// (deploy/hub/, docs/deployment-hub.md), run for real into a
// scratch root: a folder with the few files of a system root the script works on (etc/passwd, group, shadow, gshadow),
// this machine's systemd unit tree (so that graphical.target and the rest exist to be verified against), and stub
// executables where a kiosk has cage, Chromium, Node.js and the packaged app from their packages.
//
// `systemd-analyze verify --root` then checks each installed unit as systemd would load it on that machine: every
// setting parsed, every ExecStart binary present and executable, every unit it names found. Checking the units in the
// repository alone would fail on the binaries this build machine does not have (cage, the Electron app), or pass
// only by checking less; against the scratch root the binaries are there exactly as the units name them. Only the
// Documentation= man pages are not checked (--man=no): they are the kiosk's packages', not this machine's.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../support/temp-dir';

const script = join(process.cwd(), 'deploy/linux/install-kiosk.sh');
const deployDir = join(process.cwd(), 'deploy/linux');
/** Where Debian keeps systemd's own units. */
const systemUnitTree = '/usr/lib/systemd/system';
const runningAsRoot = process.getuid?.() === 0;

/** What a kiosk machine has from its packages, stubbed: the units' ExecStart binaries and the user's shell. */
const packagedExecutables = ['/usr/bin/cage', '/usr/bin/chromium', '/usr/bin/node', '/opt/Dayroom/dayroom', '/usr/sbin/nologin'];
const debAppPackage = 'opt/Dayroom/resources/app-package.json';
const debVersion = '1.2.3';

function makeScratchRoot(): { path: string; remove: () => void } {
  const dir = makeTempDir('dayroom-kiosk-root-');
  const etc = join(dir.path, 'etc');
  mkdirSync(etc);
  writeFileSync(join(etc, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  writeFileSync(join(etc, 'group'), 'root:x:0:\nvideo:x:44:\n');
  writeFileSync(join(etc, 'shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o640 });
  writeFileSync(join(etc, 'gshadow'), 'root:*::\nvideo:!::\n', { mode: 0o640 });
  cpSync(systemUnitTree, join(dir.path, systemUnitTree), { recursive: true, verbatimSymlinks: true });
  for (const executable of packagedExecutables) {
    const path = join(dir.path, executable);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '#!/bin/sh\nexit 0\n');
    chmodSync(path, 0o755);
  }
  // The deb's copy of package.json (electron-builder.yml extraResources), which names the version it installed.
  mkdirSync(join(dir.path, 'opt/Dayroom/resources'), { recursive: true });
  writeFileSync(join(dir.path, debAppPackage), `${JSON.stringify({ name: 'dayroom', version: debVersion }, null, 2)}\n`);
  return dir;
}

function install(root: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', [script, '--root', root, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The lines of an etc file that start with `name:`, split into fields. */
function entry(root: string, file: string, name: string): string[] {
  const line = readFileSync(join(root, 'etc', file), 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name}:`));
  if (line === undefined) throw new Error(`${name} is not in etc/${file}`);
  return line.split(':');
}

/** Every file and link under the root except systemd's own tree: its path, kind, mode, owner, content or target. */
function snapshot(root: string): Map<string, string> {
  const seen = new Map<string, string>();
  const walk = (relative: string): void => {
    for (const name of readdirSync(join(root, relative))) {
      const path = join(relative, name);
      if (`/${path}` === systemUnitTree) continue;
      const stats = lstatSync(join(root, path));
      const owner = `${(stats.mode & 0o7777).toString(8)} ${stats.uid}:${stats.gid}`;
      if (stats.isSymbolicLink()) seen.set(path, `link -> ${readlinkSync(join(root, path))}`);
      else if (stats.isDirectory()) {
        seen.set(path, `dir ${owner}`);
        walk(path);
      } else
        seen.set(
          path,
          `file ${owner} ${createHash('sha256')
            .update(readFileSync(join(root, path)))
            .digest('hex')} ${stats.mtimeMs}`,
        );
    }
  };
  walk('');
  return seen;
}

function verify(root: string, unit: string): { status: number | null; output: string } {
  // --man=no: the units' Documentation= man pages (cage(1)) come with the kiosk's packages, not this build machine's;
  // whether a page is installed says nothing about the unit.
  const result = spawnSync('systemd-analyze', ['verify', '--man=no', `--root=${root}`, unit], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function scratchRoot(): string {
  const root = makeScratchRoot();
  cleanups.push(root.remove);
  return root.path;
}

// useradd --root and chown need root, as installing on a kiosk does; the test runs here are root. Elsewhere the
// install is skipped, said below, and the units are still verified (the last describe).
if (!runningAsRoot) console.warn('install-kiosk.sh tests skipped: they need root (useradd --root, chown), as the install itself does');
describe.skipIf(!runningAsRoot)('install-kiosk.sh into a scratch root', () => {
  it('--variant electron: the dayroom user and group, the data folder, the site file place, the rules, the PAM stack and the unit, enabled and verified', () => {
    const root = scratchRoot();
    const first = install(root, '--variant', 'electron');
    expect(first.stderr.replace(/useradd: Warning: .*\n/, '')).toBe('');
    expect(first.status).toBe(0);

    const group = entry(root, 'group', 'dayroom');
    const user = entry(root, 'passwd', 'dayroom');
    const gid = Number(group[2]);
    const uid = Number(user[2]);
    // A system account (below 1000), in its own group, with no shell and no password, its home the data folder.
    expect(uid).toBeLessThan(1000);
    expect(gid).toBeLessThan(1000);
    expect(user).toEqual(['dayroom', 'x', String(uid), String(gid), 'Dayroom kiosk', '/var/lib/dayroom', '/usr/sbin/nologin']);
    expect(entry(root, 'shadow', 'dayroom')[1]).toBe('!');
    expect(entry(root, 'gshadow', 'dayroom')).toBeDefined();

    const modeOf = (path: string) => {
      const stats = statSync(join(root, path));
      return { mode: (stats.mode & 0o7777).toString(8), uid: stats.uid, gid: stats.gid };
    };
    expect(modeOf('var/lib/dayroom')).toEqual({ mode: '700', uid, gid });
    expect(modeOf('etc/dayroom/site.yaml')).toEqual({ mode: '640', uid: 0, gid });
    expect(readFileSync(join(root, 'etc/dayroom/site.yaml'), 'utf8')).toContain('replace this with the facility');
    expect(modeOf('etc/udev/rules.d/70-dayroom-readers.rules')).toEqual({ mode: '644', uid: 0, gid: 0 });
    expect(modeOf('etc/pam.d/dayroom-kiosk')).toEqual({ mode: '644', uid: 0, gid: 0 });
    expect(modeOf('etc/systemd/system/dayroom-kiosk.service')).toEqual({ mode: '644', uid: 0, gid: 0 });
    for (const [installed, source] of [
      ['etc/udev/rules.d/70-dayroom-readers.rules', '70-dayroom-readers.rules'],
      ['etc/pam.d/dayroom-kiosk', 'pam-dayroom-kiosk'],
      ['etc/systemd/system/dayroom-kiosk.service', 'dayroom-kiosk.service'],
    ] as const) {
      expect(readFileSync(join(root, installed), 'utf8'), installed).toBe(readFileSync(join(deployDir, source), 'utf8'));
    }
    expect(readlinkSync(join(root, 'etc/systemd/system/graphical.target.wants/dayroom-kiosk.service'))).toBe('/etc/systemd/system/dayroom-kiosk.service');
    expect(existsSync(join(root, 'etc/systemd/system/dayroom-webhost.service'))).toBe(false);
    // No temp file left beside any installed one.
    expect([...snapshot(root).keys()].filter((path) => /\/\.[^/]+\.[A-Za-z0-9]{6}$/.test(path))).toEqual([]);

    // The app's install root: the deb's version copied in once, current naming it; the launcher that starts it.
    expect(modeOf('opt/dayroom-app')).toEqual({ mode: '755', uid, gid });
    expect(modeOf('opt/dayroom-app/versions')).toEqual({ mode: '755', uid, gid });
    expect(readlinkSync(join(root, 'opt/dayroom-app/current'))).toBe(`versions/${debVersion}`);
    expect(readFileSync(join(root, 'opt/dayroom-app/versions', debVersion, 'dayroom'), 'utf8')).toBe(readFileSync(join(root, 'opt/Dayroom/dayroom'), 'utf8'));
    expect(modeOf(`opt/dayroom-app/versions/${debVersion}/dayroom`)).toEqual({ mode: '755', uid, gid });
    expect(first.stdout).toContain(`installed version ${debVersion} from /opt/Dayroom as /opt/dayroom-app/current`);
    expect(modeOf('usr/lib/dayroom/dayroom-launch')).toEqual({ mode: '755', uid: 0, gid: 0 });
    expect(readFileSync(join(root, 'usr/lib/dayroom/dayroom-launch'), 'utf8')).toBe(readFileSync(join(deployDir, 'dayroom-launch'), 'utf8'));

    const unit = readFileSync(join(root, 'etc/systemd/system/dayroom-kiosk.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/cage -- \/usr\/lib\/dayroom\/dayroom-launch --data \/var\/lib\/dayroom \/opt\/dayroom-app \.\/dayroom /m);
    expect(unit).not.toMatch(/cage\s+(-\w*\s+)*-s\b/);
    for (const setting of [
      'Type=notify',
      'NotifyAccess=all',
      'Restart=always',
      'User=dayroom',
      'Group=dayroom',
      'PAMName=dayroom-kiosk',
      'TTYPath=/dev/tty1',
    ]) {
      expect(unit).toMatch(new RegExp(`^${setting}$`, 'm'));
    }
    expect(unit).toMatch(/^WatchdogSec=\d+$/m);

    const verified = verify(root, 'dayroom-kiosk.service');
    expect(verified.output).toBe('');
    expect(verified.status).toBe(0);
  });

  it('a second run changes nothing, and an edited site file is kept (its permissions put right)', () => {
    const root = scratchRoot();
    expect(install(root, '--variant', 'electron').status).toBe(0);
    const siteFile = join(root, 'etc/dayroom/site.yaml');
    const facilitySite = 'site: { name: Riverbend County Detention Center }\n';
    writeFileSync(siteFile, facilitySite);
    const before = snapshot(root);

    const second = install(root, '--variant', 'electron');
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(`Dayroom kiosk session (electron) already installed in ${root}: nothing changed.\n`);
    expect(snapshot(root)).toEqual(before);
    expect(readFileSync(siteFile, 'utf8')).toBe(facilitySite);

    chmodSync(siteFile, 0o666);
    const third = install(root, '--variant', 'electron');
    expect(third.stdout).toContain('set /etc/dayroom/site.yaml to 0640 root:dayroom (its content is kept)');
    expect(statSync(siteFile).mode & 0o777).toBe(0o640);
    expect(readFileSync(siteFile, 'utf8')).toBe(facilitySite);
  });

  it('--variant webhost: the host and the browser units and the browser launcher, enabled and verified; electron afterwards swaps them', () => {
    const root = scratchRoot();
    const result = install(root, '--variant', 'webhost');
    expect(result.status).toBe(0);
    expect(readlinkSync(join(root, 'etc/systemd/system/multi-user.target.wants/dayroom-webhost.service'))).toBe('/etc/systemd/system/dayroom-webhost.service');
    expect(readlinkSync(join(root, 'etc/systemd/system/graphical.target.wants/dayroom-webhost-browser.service'))).toBe(
      '/etc/systemd/system/dayroom-webhost-browser.service',
    );
    expect(statSync(join(root, 'usr/lib/dayroom/dayroom-webhost-browser')).mode & 0o7777).toBe(0o755);
    const host = readFileSync(join(root, 'etc/systemd/system/dayroom-webhost.service'), 'utf8');
    expect(host).toMatch(
      /^ExecStart=\/usr\/lib\/dayroom\/dayroom-launch --data \/var\/lib\/dayroom \/opt\/dayroom-host \/usr\/bin\/node --import tsx main\/host\/cli\.ts .*--port 4780/m,
    );
    // The web host's install root is made, and left for the first version (docs/deployment.md §12 says how to place it).
    expect(statSync(join(root, 'opt/dayroom-host/versions')).isDirectory()).toBe(true);
    expect(existsSync(join(root, 'opt/dayroom-host/current'))).toBe(false);
    expect(result.stdout).toContain('/opt/dayroom-host/current names no version yet');
    for (const setting of ['Type=notify', 'NotifyAccess=all', 'Restart=always', 'User=dayroom']) expect(host).toMatch(new RegExp(`^${setting}$`, 'm'));
    expect(readFileSync(join(root, 'etc/systemd/system/dayroom-webhost-browser.service'), 'utf8')).toMatch(
      /^ExecStart=\/usr\/bin\/cage -- \/usr\/lib\/dayroom\/dayroom-webhost-browser$/m,
    );
    for (const unit of ['dayroom-webhost.service', 'dayroom-webhost-browser.service']) {
      const verified = verify(root, unit);
      expect(verified.output, unit).toBe('');
      expect(verified.status, unit).toBe(0);
    }

    const swapped = install(root, '--variant', 'electron');
    expect(swapped.status).toBe(0);
    expect(swapped.stdout).toContain('disabled dayroom-webhost-browser.service (the other variant)');
    // The links point into the scratch root's /etc, so they are read, not followed.
    expect(readdirSync(join(root, 'etc/systemd/system/graphical.target.wants'))).toEqual(['dayroom-kiosk.service']);
    expect(existsSync(join(root, 'etc/systemd/system/multi-user.target.wants'))).toBe(false);
  });

  it('the verification is not empty: a unit whose binary the machine lacks, or with a setting systemd cannot read, fails it', () => {
    const root = scratchRoot();
    expect(install(root, '--variant', 'electron').status).toBe(0);
    rmSync(join(root, 'usr/bin/cage'));
    const missing = verify(root, 'dayroom-kiosk.service');
    expect(missing.status).not.toBe(0);
    expect(missing.output).toContain('/usr/bin/cage is not executable');

    const other = scratchRoot();
    expect(install(other, '--variant', 'electron').status).toBe(0);
    const unitFile = join(other, 'etc/systemd/system/dayroom-kiosk.service');
    writeFileSync(unitFile, readFileSync(unitFile, 'utf8').replace('Type=notify', 'Type=notifyy'));
    expect(verify(other, 'dayroom-kiosk.service').output).toContain('Failed to parse service type');
  });

  it('killed at random moments (a power cut), leaves every file whole or absent, and the next run finishes the job', async () => {
    const root = scratchRoot();
    const sources: Array<readonly [string, string]> = [
      ['etc/udev/rules.d/70-dayroom-readers.rules', '70-dayroom-readers.rules'],
      ['etc/pam.d/dayroom-kiosk', 'pam-dayroom-kiosk'],
      ['etc/systemd/system/dayroom-webhost.service', 'dayroom-webhost.service'],
      ['etc/systemd/system/dayroom-webhost-browser.service', 'dayroom-webhost-browser.service'],
      ['usr/lib/dayroom/dayroom-webhost-browser', 'dayroom-webhost-browser'],
      ['usr/lib/dayroom/dayroom-launch', 'dayroom-launch'],
    ];
    const killAfterMs = [0, 1, 2, 3, 4].map(() => Math.floor(Math.random() * 400));
    for (const delayMs of killAfterMs) {
      // Its own process group, so the kill takes useradd or systemctl with it, as a power cut would.
      const run = spawn('bash', [script, '--root', root, '--variant', 'webhost'], { detached: true, stdio: 'ignore' });
      const ended = new Promise((resolve) => run.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (run.exitCode === null && run.pid !== undefined) {
        try {
          process.kill(-run.pid, 'SIGKILL');
        } catch {
          // It ended by itself meanwhile.
        }
      }
      await ended;
      for (const [installed, source] of sources) {
        const path = join(root, installed);
        if (existsSync(path))
          expect(readFileSync(path, 'utf8'), `${installed} after a kill at ${delayMs} ms`).toBe(readFileSync(join(deployDir, source), 'utf8'));
      }
      const site = join(root, 'etc/dayroom/site.yaml');
      if (existsSync(site)) expect(readFileSync(site, 'utf8'), `the site file after a kill at ${delayMs} ms`).toContain('# Until it names the site');
    }
    const finished = install(root, '--variant', 'webhost');
    expect(finished.status, finished.stderr).toBe(0);
    expect(entry(root, 'gshadow', 'dayroom')[0]).toBe('dayroom');
    expect(entry(root, 'shadow', 'dayroom')[0]).toBe('dayroom');
    for (const [installed, source] of sources) expect(readFileSync(join(root, installed), 'utf8')).toBe(readFileSync(join(deployDir, source), 'utf8'));
    // No temp file of a killed run is left behind, and a run after that changes nothing.
    expect([...snapshot(root).keys()].filter((path) => /\/\.[^/]+\.[A-Za-z0-9]{6}$/.test(path))).toEqual([]);
    expect(install(root, '--variant', 'webhost').stdout).toContain('nothing changed');
  }, 60_000);

  it('after a groupadd cut off half-way: removes its stale lock, completes etc/gshadow, and goes on', () => {
    const root = scratchRoot();
    // The group written to etc/group but not yet to etc/gshadow, and the lock of a process that no longer runs.
    writeFileSync(join(root, 'etc/group'), `${readFileSync(join(root, 'etc/group'), 'utf8')}dayroom:x:998:\n`);
    const gone = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(root, 'etc/gshadow.lock'), gone);
    const result = install(root, '--variant', 'electron');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('removed /etc/gshadow.lock, left by a process that no longer runs');
    expect(result.stdout).toContain('completed etc/gshadow (a groupadd was cut off)');
    expect(entry(root, 'gshadow', 'dayroom')[0]).toBe('dayroom');
    expect(entry(root, 'passwd', 'dayroom')[3]).toBe('998');
    expect(existsSync(join(root, 'etc/gshadow.lock'))).toBe(false);
  });

  it('leaves a lock held by a running process alone, and says why it cannot go on', () => {
    const root = scratchRoot();
    writeFileSync(join(root, 'etc/group.lock'), String(process.pid));
    const result = install(root, '--variant', 'electron');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('cannot lock /etc/group; try again later');
    expect(readFileSync(join(root, 'etc/group.lock'), 'utf8')).toBe(String(process.pid));
  });

  it('refuses, in words, an Electron install whose deb names no version, and starts nothing half-copied', () => {
    const root = scratchRoot();
    writeFileSync(join(root, debAppPackage), '{ "name": "something-else" }\n');
    const result = install(root, '--variant', 'electron');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('/opt/Dayroom/resources/app-package.json names no version: is the deb a Dayroom package?');
    expect(existsSync(join(root, 'opt/dayroom-app/current'))).toBe(false);
    expect(readdirSync(join(root, 'opt/dayroom-app/versions'))).toEqual([]);
  });

  it('refuses bad input in words and touches nothing', () => {
    const root = scratchRoot();
    const before = snapshot(root);
    const cases: Array<{ args: string[]; says: string }> = [
      { args: ['--variant', 'tablet'], says: 'unknown variant "tablet": it is electron or webhost' },
      { args: [], says: 'say which variant: --variant electron or --variant webhost' },
      { args: ['--variant'], says: '--variant needs a value' },
      { args: ['--variant', 'electron', '--colour', 'blue'], says: 'unknown argument: --colour' },
    ];
    for (const { args, says } of cases) {
      const result = install(root, ...args);
      expect(result.status, args.join(' ')).not.toBe(0);
      expect(result.stderr, args.join(' ')).toContain(says);
    }
    const missingRoot = spawnSync('bash', [script, '--variant', 'electron', '--root', join(root, 'nowhere')], { encoding: 'utf8' });
    expect(missingRoot.status).not.toBe(0);
    expect(missingRoot.stderr).toContain(`the root folder ${join(root, 'nowhere')} does not exist`);
    const notASystem = makeTempDir('dayroom-kiosk-root-');
    cleanups.push(notASystem.remove);
    const bare = spawnSync('bash', [script, '--variant', 'electron', '--root', notASystem.path], { encoding: 'utf8' });
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toContain(`${notASystem.path}/etc/passwd is missing: --root must be a system's root folder`);
    expect(snapshot(root)).toEqual(before);
  });

  it('refuses to install on this machine (--root /) for a user who is not root', () => {
    // setpriv runs the script as nobody; --root / is the default. A copy in a folder anyone can read, as the checkout
    // may not be.
    const copy = makeTempDir('dayroom-kiosk-script-');
    cleanups.push(copy.remove);
    chmodSync(copy.path, 0o755);
    cpSync(script, join(copy.path, 'install-kiosk.sh'));
    chmodSync(join(copy.path, 'install-kiosk.sh'), 0o755);
    const result = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', join(copy.path, 'install-kiosk.sh'), '--variant', 'electron'],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('installing on this machine needs root: run it with sudo');
  });
});

describe('the units in deploy/linux', () => {
  it('verify as systemd reads them, whoever runs the tests (copied into a scratch root, without the install script)', () => {
    const root = scratchRoot();
    const unitDir = join(root, 'etc/systemd/system');
    mkdirSync(unitDir, { recursive: true });
    for (const helper of ['dayroom-webhost-browser', 'dayroom-launch']) {
      const installed = join(root, 'usr/lib/dayroom', helper);
      mkdirSync(dirname(installed), { recursive: true });
      cpSync(join(deployDir, helper), installed);
      chmodSync(installed, 0o755);
    }
    const units = readdirSync(deployDir).filter((name) => name.endsWith('.service'));
    for (const unit of units) cpSync(join(deployDir, unit), join(unitDir, unit));
    for (const unit of units) {
      const verified = verify(root, unit);
      expect(verified.output, unit).toBe('');
      expect(verified.status, unit).toBe(0);
    }
  });

  it('are each installed by the script for one variant (no unit is shipped that nothing installs)', () => {
    const units = readdirSync(deployDir).filter((name) => name.endsWith('.service'));
    const scriptText = readFileSync(script, 'utf8');
    expect(units.sort()).toEqual(['dayroom-kiosk.service', 'dayroom-webhost-browser.service', 'dayroom-webhost.service']);
    for (const unit of units) expect(scriptText).toContain(unit);
    // systemd-analyze is there to verify them (scripts/system-packages.mjs installs systemd for the tests).
    expect(execFileSync('systemd-analyze', ['--version'], { encoding: 'utf8' })).toMatch(/^systemd \d+/);
  });
});

describe('the units in deploy/hub', () => {
  const hubDeployDir = join(process.cwd(), 'deploy/hub');

  it('verify as systemd reads them: the hub, its nightly backup and its daily purge, with their timers', () => {
    const root = scratchRoot();
    const unitDir = join(root, 'etc/systemd/system');
    mkdirSync(unitDir, { recursive: true });
    // What the hub's server has from its packages (node, sh and find from Debian's), stubbed like the kiosk's.
    for (const executable of ['/bin/sh', '/usr/bin/find']) {
      const path = join(root, executable);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, '#!/bin/sh\nexit 0\n');
      chmodSync(path, 0o755);
    }
    const units = readdirSync(hubDeployDir).filter((name) => name.endsWith('.service') || name.endsWith('.timer'));
    expect(units.sort()).toEqual([
      'dayroom-hub-backup.service',
      'dayroom-hub-backup.timer',
      'dayroom-hub-purge.service',
      'dayroom-hub-purge.timer',
      'dayroom-hub.service',
    ]);
    for (const unit of units) cpSync(join(hubDeployDir, unit), join(unitDir, unit));
    for (const unit of units) {
      const verified = verify(root, unit);
      expect(verified.output, unit).toBe('');
      expect(verified.status, unit).toBe(0);
    }
  });
});
