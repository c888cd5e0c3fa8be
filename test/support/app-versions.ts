// Builds of the device app for the update tests (main/update/, docs/deployment.md §12): .tar.gz files of an app tree
// with its own package.json version, as a release would be packed, and install roots laid out as the launcher expects.
//   minimal         package.json and one file: for the download, verification and install steps, which run nothing
//   webhost         the web host's own source (main, hardware, kiosk-config, rules, platform, hub) copied, with
//                   node_modules linked from this checkout: a tree `node --import tsx main/host/cli.ts` really runs
//   crashesAtStart  the same, but its host changes the store's schema (as a newer version's migration would) and exits
//                   with 3 before serving: an update that fails on start
//   electron        the unpacked Linux app as electron-builder lays it out (the `dayroom` executable, resources/app.asar,
//                   and the version in resources/app-package.json), packed as its tar.gz is: inside one folder
//                   named after the file, Dayroom-<version>/
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { installLayout } from '../../main/update/install-layout';

export type AppBuildKind = 'minimal' | 'webhost' | 'crashesAtStart' | 'electron';

const repositoryRoot = resolve(import.meta.dirname, '..', '..');
const webHostSourceFolders = ['main', 'hardware', 'kiosk-config', 'rules', 'platform', 'hub'] as const;

/** The table a crashing build adds to the store before it exits: present after a rollback only if the store was not put back. */
export const crashingBuildTable = 'added_by_a_newer_version';

function appTree(into: string, version: string, kind: AppBuildKind): void {
  mkdirSync(into, { recursive: true });
  const packageJson = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  const packageText = `${JSON.stringify({ ...packageJson, version }, null, 2)}\n`;
  if (kind === 'electron') {
    // package.json itself is sealed in app.asar; electron-builder.yml's extraResources puts a copy beside it.
    mkdirSync(join(into, 'resources'));
    writeFileSync(join(into, 'resources', 'app-package.json'), packageText);
    writeFileSync(join(into, 'resources', 'app.asar'), `asar of Dayroom ${version}\n`);
    writeFileSync(join(into, 'dayroom'), `#!/bin/sh\necho Dayroom ${version}\n`, { mode: 0o755 });
    return;
  }
  writeFileSync(join(into, 'package.json'), packageText);
  switch (kind) {
    case 'minimal':
      writeFileSync(join(into, 'README.txt'), `Dayroom ${version}\n`);
      return;
    case 'webhost':
    case 'crashesAtStart':
      for (const folder of webHostSourceFolders) cpSync(join(repositoryRoot, folder), join(into, folder), { recursive: true });
      symlinkSync(join(repositoryRoot, 'node_modules'), join(into, 'node_modules'));
      if (kind === 'crashesAtStart') {
        writeFileSync(
          join(into, 'main', 'host', 'cli.ts'),
          [
            "import Database from 'better-sqlite3-multiple-ciphers';",
            "import { join } from 'node:path';",
            "const data = process.argv[process.argv.indexOf('--data') + 1] ?? '';",
            "const store = new Database(join(data, 'device.sqlite'));",
            `store.exec('CREATE TABLE IF NOT EXISTS ${crashingBuildTable} (x INTEGER)');`,
            'store.close();',
            `console.error('version ${version} fails on start');`,
            'process.exit(3);',
            '',
          ].join('\n'),
        );
      }
      return;
    default: {
      const unknownKind: never = kind;
      throw new Error(`unknown build ${String(unknownKind)}`);
    }
  }
}

/** Packs a build of `version` into `<folder>/dayroom-<kind>-<version>.tar.gz` and returns its path. */
export function packAppBuild(folder: string, version: string, kind: AppBuildKind): string {
  const staging = join(folder, `.staging-${kind}-${version}`);
  const archive = join(folder, `dayroom-${kind}-${version}.tar.gz`);
  if (kind === 'electron') {
    const wrapper = `Dayroom-${version}`;
    appTree(join(staging, wrapper), version, kind);
    execFileSync('tar', ['-czf', archive, '-C', staging, wrapper]);
    return archive;
  }
  appTree(staging, version, kind);
  execFileSync('tar', ['-czf', archive, '-C', staging, '.']);
  return archive;
}

/** An install root holding `version` of a build as current, as the installer and the launcher leave it. */
export function makeInstallRoot(root: string, version: string, kind: AppBuildKind): void {
  const versionFolder = join(root, installLayout.versions, version);
  appTree(versionFolder, version, kind);
  symlinkSync(`${installLayout.versions}/${version}`, join(root, installLayout.current));
}

/** The launcher as the units install it: deploy/linux/dayroom-launch in this checkout. */
export const launcherPath = join(repositoryRoot, 'deploy', 'linux', 'dayroom-launch');
