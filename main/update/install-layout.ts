// The folder an updatable device app is installed in (docs/deployment.md §12 "Updates"), shared with the launcher
// that starts it (deploy/linux/dayroom-launch, a shell script: the names here and there must agree):
//
//   <root>/versions/<version>/      one whole app tree per version
//   <root>/current                  a symlink to versions/<version>: what the launcher starts
//   <root>/update-trial             "<new> <previous>" while a newly installed version has not yet proved its health
//   <root>/update-trial-started     made by the launcher when it starts the version on trial
//   <root>/update-refused           versions that failed their trial, one per line: never installed again
//
// Installing a version is: unpack it into versions/.incoming-<version> (a cut here leaves only that, removed at the
// next install), rename it to versions/<version>, write update-trial, and swap `current` by renaming a new symlink over
// it. Each step is durable before the next, so a power cut at any moment leaves the old version or the new one
// complete, never half of one. The launcher, on the next start, starts the version on trial once, and if that start
// ends without the app confirming its health (confirmTrial, below) it puts `current` back, restores the store as it
// was before the trial, and refuses that version from then on.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncFolder, removeFileDurably, writeFileAtomically } from '../../platform/atomic-write';
import { AppVersion, buildLayoutOf, type UpdateVariant } from '../../rules/app-update';

export const installLayout = {
  versions: 'versions',
  current: 'current',
  trial: 'update-trial',
  trialStarted: 'update-trial-started',
  refused: 'update-refused',
} as const;

/** The environment variable the launcher sets to the install root; an app started without it does not update itself. */
export const installRootEnv = 'DAYROOM_INSTALL_ROOT';

export class InstallLayoutError extends Error {
  override readonly name = 'InstallLayoutError';
}

export interface InstallState {
  /** The version `current` points at, or null when it points at no version folder. */
  readonly current: string | null;
  /** A version on trial and the one before it. */
  readonly trial: { readonly version: string; readonly previous: string } | null;
  readonly refused: ReadonlySet<string>;
}

export function readInstallState(root: string): InstallState {
  const current = currentVersionOf(root);
  const trialText = readOptional(join(root, installLayout.trial));
  const [version, previous] = (trialText ?? '').trim().split(/\s+/);
  const trial =
    version !== undefined && previous !== undefined && AppVersion.safeParse(version).success && AppVersion.safeParse(previous).success
      ? { version, previous }
      : null;
  const refused = new Set(
    (readOptional(join(root, installLayout.refused)) ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => AppVersion.safeParse(line).success),
  );
  return { current, trial, refused };
}

function currentVersionOf(root: string): string | null {
  let target: string;
  try {
    target = readlinkSync(join(root, installLayout.current));
  } catch {
    return null;
  }
  const version = /^versions\/(.+)$/.exec(target)?.[1];
  return version !== undefined && AppVersion.safeParse(version).success ? version : null;
}

function readOptional(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Unpacks a .tar.gz into `into` with the system's tar; it refuses absolute and `..` member names by itself. */
function untar(archive: string, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['-xzf', archive, '-C', into, '--no-same-owner', '--no-same-permissions'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.once('error', (error) => reject(new InstallLayoutError(`tar could not be run: ${error.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new InstallLayoutError(`the update could not be unpacked: ${stderr.trim().split('\n')[0] ?? `tar exited ${String(code)}`}`));
    });
  });
}

/** Writes every file and folder of a tree to disk (sync(1) would do the whole machine; this is only the new tree). */
function syncTree(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // coreutils' sync with file arguments fsyncs those; -f syncs the file system holding them, which covers the tree.
    const child = spawn('sync', ['-f', path], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new InstallLayoutError(`sync -f exited ${String(code)}`))));
  });
}

/** The steps of an install, in order; the power-cut test stops the process dead after each. */
export type InstallStep = 'unpacked' | 'synced' | 'renamed' | 'trialWritten' | 'swapped';

export interface InstallObserver {
  /** Called after each step is done (on disk, from 'synced' on). */
  readonly onStep?: (step: InstallStep) => void;
}

/**
 * Unwraps an app tree electron-builder packed inside one folder: its contents move up into `incoming`. A tree already
 * at the top (packed from inside) is left as it is.
 */
function unwrapOneFolder(incoming: string, versionFile: string): void {
  if (existsSync(join(incoming, versionFile))) return;
  const entries = readdirSync(incoming, { withFileTypes: true });
  const only = entries[0];
  if (entries.length !== 1 || only === undefined || !only.isDirectory()) return;
  const wrapped = `${incoming}.wrapped`;
  rmSync(wrapped, { recursive: true, force: true });
  renameSync(join(incoming, only.name), wrapped);
  rmSync(incoming, { recursive: true, force: true });
  renameSync(wrapped, incoming);
}

/**
 * Installs `version` of a `variant` build from its verified archive and points `current` at it, on trial. The archive
 * must hold the app tree as its build packs it (rules/app-update.ts buildLayoutOf) and say the same version there.
 * Resolves once every step is on disk; the caller then restarts the app (through its supervisor) for the launcher to
 * start the new version.
 */
export async function installVersion(root: string, version: string, archive: string, variant: UpdateVariant, observer: InstallObserver = {}): Promise<void> {
  const state = readInstallState(root);
  if (state.current === null) throw new InstallLayoutError(`${root} is not an install root: its current link names no version`);
  if (state.current === version) throw new InstallLayoutError(`version ${version} is the one running`);
  if (state.refused.has(version)) throw new InstallLayoutError(`version ${version} failed its trial here before`);
  const layout = buildLayoutOf(variant);
  const versions = join(root, installLayout.versions);
  const incoming = join(versions, `.incoming-${version}`);
  const target = join(versions, version);
  rmSync(incoming, { recursive: true, force: true });
  rmSync(`${incoming}.wrapped`, { recursive: true, force: true });
  mkdirSync(incoming, { mode: 0o755 });
  await untar(archive, incoming);
  if (layout.wrappedInOneFolder) unwrapOneFolder(incoming, layout.versionFile);
  observer.onStep?.('unpacked');
  let packaged: unknown;
  try {
    packaged = JSON.parse(readFileSync(join(incoming, layout.versionFile), 'utf8'));
  } catch {
    rmSync(incoming, { recursive: true, force: true });
    throw new InstallLayoutError(`the update holds no ${layout.versionFile} where a ${variant} build has it: it is not an app tree`);
  }
  const packagedVersion = typeof packaged === 'object' && packaged !== null ? Reflect.get(packaged, 'version') : undefined;
  if (packagedVersion !== version) {
    rmSync(incoming, { recursive: true, force: true });
    throw new InstallLayoutError(`the update says it is version ${String(packagedVersion)} inside, not ${version}`);
  }
  await syncTree(incoming);
  observer.onStep?.('synced');
  // A folder of this version left by an install that was cut after its rename, or a trial that failed: replaced whole.
  rmSync(target, { recursive: true, force: true });
  renameSync(incoming, target);
  fsyncFolder(versions);
  observer.onStep?.('renamed');
  writeFileAtomically(root, installLayout.trial, `${version} ${state.current}\n`, { ownerOnly: false });
  removeFileDurably(root, installLayout.trialStarted);
  observer.onStep?.('trialWritten');
  const nextLink = join(root, `.${installLayout.current}.next`);
  rmSync(nextLink, { force: true });
  symlinkSync(`${installLayout.versions}/${version}`, nextLink);
  renameSync(nextLink, join(root, installLayout.current));
  fsyncFolder(root);
  observer.onStep?.('swapped');
}

/**
 * Called by the running app once it has proved its health: ends the trial of this version, if it is on one. Removes
 * the trial file first: a cut between the two removals leaves a started-marker alone, which the launcher ignores.
 */
export function confirmTrial(root: string, runningVersion: string): 'confirmed' | 'noTrial' {
  const state = readInstallState(root);
  if (state.trial === null || state.trial.version !== runningVersion || state.current !== runningVersion) return 'noTrial';
  removeFileDurably(root, installLayout.trial);
  removeFileDurably(root, installLayout.trialStarted);
  return 'confirmed';
}

/** Removes versions other than the current one and the one before it (a trial's fallback), to keep the disk. */
export function removeOldVersions(root: string, keep: readonly string[]): void {
  const versions = join(root, installLayout.versions);
  if (!existsSync(versions)) return;
  const state = readInstallState(root);
  const kept = new Set([
    ...keep,
    ...(state.current === null ? [] : [state.current]),
    ...(state.trial === null ? [] : [state.trial.previous, state.trial.version]),
  ]);
  for (const name of readdirSync(versions)) {
    if (!kept.has(name)) rmSync(join(versions, name), { recursive: true, force: true });
  }
}
