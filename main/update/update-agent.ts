// The device's side of app updates (docs/deployment.md §12 "Updates"): on a schedule it asks the hub for its build's
// metadata, takes only a newer version signed with the site file's key for this app and this build, downloads the file
// in the background into the data folder (a partial file until its sha512 and size are right, then renamed), and
// installs it (install-layout.ts) only while no one is signed in, then asks the shell to restart; the launcher starts
// the new version on trial and rolls back if it does not confirm its health.
//
// Nothing the hub sends is trusted until the signature over the fields the device acts on holds, and the bytes are
// trusted only once their hash matches those signed fields. A refusal is coded, logged once per version and counted;
// it never stops sync or the screens, and the version that runs keeps running.
import { createHash, type KeyObject } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { fsyncFolder, writeFileAtomically } from '../../platform/atomic-write';
import { digestOfFile, updateSignatureHolds } from '../../platform/update-signature';
import {
  dayroomAppId,
  signedFieldsOf,
  SignedUpdateFields,
  UpdateMetadata,
  updateFileUrl,
  updateMetadataFileName,
  type UpdateVariant,
} from '../../rules/app-update';
import { compareVersions } from '../../rules/versions';
import type { AppUpdateStatus, UpdateCheckOutcomeKind, UpdateRefusal } from '../contract';
import type { Logger } from '../logging';
import type { HubClient, HubFailure } from '../sync/hub-client';
import { z } from 'zod';
import { installVersion, readInstallState } from './install-layout';

export type { UpdateRefusal };

export type UpdateCheckOutcome =
  | { readonly kind: 'notEnrolled' }
  | { readonly kind: 'nothingPublished' }
  | { readonly kind: 'upToDate'; readonly version: string }
  | { readonly kind: 'hubFailure'; readonly failure: HubFailure }
  | { readonly kind: 'refused'; readonly refusal: UpdateRefusal; readonly version: string | null; readonly problem: string }
  | { readonly kind: 'waitingForIdle'; readonly version: string }
  | { readonly kind: 'installed'; readonly version: string };

/** What service mode shows (the contract's AppUpdateStatus), with the version running and every refusal counted. */
export interface UpdateStatus extends AppUpdateStatus {
  readonly runningVersion: string;
  readonly refusals: Readonly<Partial<Record<UpdateRefusal, number>>>;
}

export interface UpdateAgentOptions {
  readonly variant: UpdateVariant;
  readonly runningVersion: string;
  /** The install root the launcher gave (DAYROOM_INSTALL_ROOT). */
  readonly installRoot: string;
  /** Where downloads are kept until installed: <data folder>/updates. */
  readonly stagingDir: string;
  readonly publicKey: KeyObject;
  /** The hub client of the enrolled device, or null while it is not enrolled. */
  readonly hub: () => Pick<HubClient, 'fetchUpdateMetadata' | 'fetchUpdateFile'> | null;
  /** True while a person is signed in, locked or in service mode: anything but the attract screen. */
  readonly someoneSignedIn: () => boolean;
  /** The shell's restart (exit 75 under the web host's supervisor); called once an update is installed. */
  readonly restart: () => void;
  readonly logger: Logger;
  readonly now: () => number;
}

export interface UpdateAgent {
  /** Asks the hub, downloads and verifies a newer version, and installs it if no one is signed in. */
  checkNow(signal?: AbortSignal): Promise<UpdateCheckOutcome>;
  /** Installs a verified download if there is one and no one is signed in (the session calls it on reaching attract). */
  installIfIdle(): Promise<UpdateCheckOutcome | null>;
  status(): UpdateStatus;
}

/** What is kept beside a verified download: the signed fields and their signature, checked again before install. */
const StagedUpdate = z.object({ fields: SignedUpdateFields, signature: z.string() }).strict();
type StagedUpdate = z.infer<typeof StagedUpdate>;
const stagedFileName = 'verified.json';

export function createUpdateAgent(options: UpdateAgentOptions): UpdateAgent {
  const { logger } = options;
  const refusals: Partial<Record<UpdateRefusal, number>> = {};
  // Logged once per version and refusal, counted every time: a bad update checked hourly must not fill the log.
  const loggedRefusals = new Set<string>();
  let lastCheckAt: number | null = null;
  let lastOutcome: UpdateCheckOutcomeKind | null = null;
  let lastRefusal: AppUpdateStatus['lastRefusal'] = null;
  let busy: Promise<UpdateCheckOutcome> | null = null;
  let installing = false;
  /** An update installed while a person signed in meanwhile: the restart into it waits for the attract screen. */
  let restartDeferred: string | null = null;

  function refused(refusal: UpdateRefusal, version: string | null, problem: string): UpdateCheckOutcome {
    refusals[refusal] = (refusals[refusal] ?? 0) + 1;
    const key = `${refusal}:${version ?? ''}`;
    if (!loggedRefusals.has(key)) {
      loggedRefusals.add(key);
      logger.warn({ refusal, version, problem }, 'an app update was refused; the running version keeps running');
    }
    return { kind: 'refused', refusal, version, problem };
  }

  function staged(): StagedUpdate | null {
    let names: string[];
    try {
      names = readdirSync(options.stagingDir);
    } catch {
      return null;
    }
    let newest: StagedUpdate | null = null;
    for (const name of names) {
      if (name.startsWith('.')) continue;
      try {
        const parsed = StagedUpdate.safeParse(JSON.parse(readFileSync(join(options.stagingDir, name, stagedFileName), 'utf8')));
        if (parsed.success && (newest === null || compareVersions(parsed.data.fields.version, newest.fields.version) > 0)) newest = parsed.data;
      } catch {
        // A folder without its verified.json is a download cut short: ignored here, removed by the next download.
      }
    }
    return newest;
  }

  /** The checks that need no bytes: this app, this build, the facility's signature, newer, not refused before. */
  function acceptable(fields: SignedUpdateFields, signature: string): UpdateCheckOutcome | null {
    if (fields.appId !== dayroomAppId) return refused('otherApp', fields.version, `the update is for ${fields.appId}, not ${dayroomAppId}`);
    if (fields.variant !== options.variant)
      return refused('otherBuild', fields.version, `the update is the ${fields.variant} build; this device runs ${options.variant}`);
    if (!updateSignatureHolds(fields, signature, options.publicKey)) {
      return refused('badSignature', fields.version, "the update's signature does not hold with the site file's public key");
    }
    if (compareVersions(fields.version, options.runningVersion) <= 0) return { kind: 'upToDate', version: options.runningVersion };
    if (readInstallState(options.installRoot).refused.has(fields.version)) {
      return refused('refusedBefore', fields.version, `version ${fields.version} failed its health check here before`);
    }
    return null;
  }

  async function download(fields: SignedUpdateFields, signature: string, signal: AbortSignal | undefined): Promise<UpdateCheckOutcome | null> {
    const hub = options.hub();
    if (hub === null) return { kind: 'notEnrolled' };
    mkdirSync(options.stagingDir, { recursive: true, mode: 0o700 });
    // Whatever an earlier download left (cut short, or an older version) goes: one download at a time, one kept.
    for (const name of readdirSync(options.stagingDir)) rmSync(join(options.stagingDir, name), { recursive: true, force: true });
    const partial = join(options.stagingDir, `.partial-${fields.version}`);
    const fd = openSync(partial, 'w', 0o600);
    const hash = createHash('sha512');
    let written = 0;
    let tooLarge = false;
    let result: Awaited<ReturnType<typeof hub.fetchUpdateFile>>;
    try {
      result = await hub.fetchUpdateFile(
        updateFileUrl(fields),
        {
          start: (length) => (length !== null && length !== fields.size ? 'stop' : 'continue'),
          write: (chunk) => {
            if (written + chunk.length > fields.size) {
              tooLarge = true;
              return Promise.resolve('stop');
            }
            writeSync(fd, chunk);
            hash.update(chunk);
            written += chunk.length;
            return Promise.resolve('continue');
          },
        },
        signal,
      );
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (!result.ok) {
      rmSync(partial, { force: true });
      return { kind: 'hubFailure', failure: result.failure };
    }
    if (tooLarge || result.value.stopped || written !== fields.size) {
      rmSync(partial, { force: true });
      return refused('sizeMismatch', fields.version, `the file the hub sent is not the ${fields.size} bytes the signed metadata says`);
    }
    if (hash.digest('base64') !== fields.sha512) {
      rmSync(partial, { force: true });
      return refused('hashMismatch', fields.version, "the file the hub sent does not have the signed metadata's sha512");
    }
    const folder = join(options.stagingDir, fields.version);
    mkdirSync(folder, { mode: 0o700 });
    renameSync(partial, join(folder, fields.fileName));
    fsyncFolder(options.stagingDir);
    writeFileAtomically(folder, stagedFileName, JSON.stringify({ fields, signature } satisfies StagedUpdate));
    logger.info({ version: fields.version, bytes: fields.size }, 'an app update was downloaded and verified');
    return null;
  }

  async function installIfIdle(): Promise<UpdateCheckOutcome | null> {
    if (restartDeferred !== null) {
      if (options.someoneSignedIn()) return { kind: 'waitingForIdle', version: restartDeferred };
      logger.warn({ to: restartDeferred }, 'no one is signed in now: restarting into the installed update on trial');
      const version = restartDeferred;
      restartDeferred = null;
      options.restart();
      return { kind: 'installed', version };
    }
    const update = staged();
    if (update === null || installing) return null;
    const { fields, signature } = update;
    if (options.someoneSignedIn()) return { kind: 'waitingForIdle', version: fields.version };
    // Checked again from disk: the data folder is the device's, but a file may have been damaged since it was verified.
    const notAcceptable = acceptable(fields, signature);
    const archive = join(options.stagingDir, fields.version, fields.fileName);
    if (notAcceptable !== null) {
      rmSync(join(options.stagingDir, fields.version), { recursive: true, force: true });
      return notAcceptable;
    }
    installing = true;
    try {
      const onDisk = await digestOfFile(archive);
      if (onDisk.sha512 !== fields.sha512 || onDisk.size !== fields.size) {
        rmSync(join(options.stagingDir, fields.version), { recursive: true, force: true });
        return refused('hashMismatch', fields.version, 'the downloaded update changed on disk after it was verified');
      }
      // A person may have signed in while the file was hashed.
      if (options.someoneSignedIn()) return { kind: 'waitingForIdle', version: fields.version };
      try {
        await installVersion(options.installRoot, fields.version, archive, options.variant);
      } catch (error) {
        rmSync(join(options.stagingDir, fields.version), { recursive: true, force: true });
        return refused('notInstallable', fields.version, error instanceof Error ? error.message : String(error));
      }
      rmSync(join(options.stagingDir, fields.version), { recursive: true, force: true });
      // Unpacking a whole app takes seconds: a person who signed in meanwhile is not thrown out by the restart.
      if (options.someoneSignedIn()) {
        restartDeferred = fields.version;
        logger.warn({ from: options.runningVersion, to: fields.version }, 'an app update was installed; the restart into it waits until no one is signed in');
        return { kind: 'waitingForIdle', version: fields.version };
      }
      logger.warn({ from: options.runningVersion, to: fields.version }, 'an app update was installed; restarting into it on trial');
      options.restart();
      return { kind: 'installed', version: fields.version };
    } finally {
      installing = false;
    }
  }

  async function check(signal: AbortSignal | undefined): Promise<UpdateCheckOutcome> {
    // Installed already, waiting for the screen to be free: nothing to ask the hub.
    if (restartDeferred !== null) return (await installIfIdle()) ?? { kind: 'waitingForIdle', version: restartDeferred };
    const hub = options.hub();
    if (hub === null) return { kind: 'notEnrolled' };
    const answer = await hub.fetchUpdateMetadata(updateMetadataFileName(options.variant), signal);
    if (!answer.ok) {
      if (answer.failure.kind === 'http' && answer.failure.status === 404) return { kind: 'nothingPublished' };
      return { kind: 'hubFailure', failure: answer.failure };
    }
    let raw: unknown;
    try {
      raw = parseYaml(answer.value, { maxAliasCount: 0 });
    } catch {
      return refused('unreadableMetadata', null, 'the update metadata is not YAML');
    }
    const metadata = UpdateMetadata.safeParse(raw);
    if (!metadata.success) {
      const issue = metadata.error.issues[0];
      return refused('unreadableMetadata', null, `the update metadata's ${issue?.path.join('.') || 'content'} is not what electron-updater's format says`);
    }
    const signed = signedFieldsOf(metadata.data);
    if ('problem' in signed) return refused('inconsistentMetadata', metadata.data.version, signed.problem);
    const notAcceptable = acceptable(signed.fields, metadata.data.dayroomSignature);
    if (notAcceptable !== null) return notAcceptable;
    if (staged()?.fields.version !== signed.fields.version) {
      const failed = await download(signed.fields, metadata.data.dayroomSignature, signal);
      if (failed !== null) return failed;
    }
    return (await installIfIdle()) ?? { kind: 'waitingForIdle', version: signed.fields.version };
  }

  return {
    checkNow(signal) {
      // One check at a time: the schedule's and a test's (or staff's) never download the same file twice at once.
      busy ??= check(signal)
        .then((outcome) => {
          lastCheckAt = options.now();
          lastOutcome = outcome.kind;
          if (outcome.kind === 'refused') lastRefusal = { refusal: outcome.refusal, version: outcome.version };
          else if (outcome.kind === 'waitingForIdle' || outcome.kind === 'installed') lastRefusal = null;
          return outcome;
        })
        .finally(() => {
          busy = null;
        });
      return busy;
    },
    installIfIdle,
    status: () => ({
      runningVersion: options.runningVersion,
      lastCheckAt,
      lastOutcome,
      lastRefusal,
      stagedVersion: restartDeferred ?? staged()?.fields.version ?? null,
      refusals: { ...refusals },
    }),
  };
}
