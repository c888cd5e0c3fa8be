// The release commands: `update-signing-key` makes the facility's ed25519 key pair, `publish-update` signs a build of
// the device app and puts it in the hub's database for devices to fetch (docs/deployment.md §12 "Updates"). Like
// backup and restore (maintenance.ts) they are not registry commands: they read files on the machine they run on — a
// private key among them — so they run only from that machine's command line, never inside a hub through --hub or the
// console. They work on either backend: --data <pglite folder> or DATABASE_URL.
import { execFile } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { AppVersion, buildLayoutOf, dayroomAppId, maxUpdateBytes, SignedUpdateFields, UpdateFileName, UpdateVariant } from '../../rules/app-update';
import {
  digestOfFile,
  generateUpdateSigningKey,
  publicKeyOfSigningKey,
  readUpdateSigningKey,
  signUpdate,
  UpdateKeyError,
} from '../../platform/update-signature';
import { openHubDatabase } from '../db/open';
import type { HubDatabase } from '../db/database';
import { appUpdateChunkBytes, publishAppUpdate } from '../services/app-updates';
import { HubInputError } from '../services/context';
import { commandInvocation } from './registry';

export type ReleaseCommandName = 'update-signing-key' | 'publish-update';

interface ReleaseCommand {
  readonly name: ReleaseCommandName;
  readonly summary: string;
  readonly usage: readonly string[];
}

export const releaseCommands: readonly ReleaseCommand[] = [
  {
    name: 'update-signing-key',
    summary: "Make the facility's key pair for signing app updates: a private key file and the public key for site files.",
    usage: [
      `usage: ${commandInvocation} update-signing-key --out <folder>`,
      '  --out <folder>  where to write update-signing-key.pem (readable by you alone) and update-public-key.txt;',
      '                  neither may exist yet. Keep the .pem off the devices and the hub; put the public key in every',
      "                  device's site file as updates.publicKey (docs/deployment.md §12).",
    ],
  },
  {
    name: 'publish-update',
    summary: 'Sign a build of the device app and publish it for devices to install (newer versions only).',
    usage: [
      `usage: ${commandInvocation} publish-update --variant <build> --version <x.y.z> --file <file> --signing-key <pem> [--data <pglite folder>]`,
      `  --variant <build>      ${UpdateVariant.options.join(' or ')}: which build of the app the file is`,
      "  --version <x.y.z>      the version inside the file (checked: the web host's package.json, Electron's resources/app-package.json); newer than every one published before",
      '  --file <file>          the build, a .tar.gz of the app folder (docs/deployment.md §12 says how to make one)',
      '  --signing-key <pem>    the private key update-signing-key made; it must be readable by its owner alone',
      '  --data <folder> or DATABASE_URL=postgres://…  the hub to publish on',
    ],
  },
];

export function findReleaseCommand(name: string | undefined): ReleaseCommand | undefined {
  return releaseCommands.find((command) => command.name === name);
}

export function releaseHelp(command: ReleaseCommand): string {
  return [...command.usage, `  ${command.summary}`].join('\n');
}

interface ReleaseIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
  /** Tests pass the hub's database; otherwise --data or DATABASE_URL opens it. */
  readonly database?: HubDatabase;
}

/** A release command that cannot be done, in words; nothing was published or written. */
class ReleaseRefusal extends Error {
  override readonly name = 'ReleaseRefusal';
}

const signingKeyFileName = 'update-signing-key.pem';
const publicKeyFileName = 'update-public-key.txt';

/** Runs a release command; resolves to the exit code (0 done, 1 refused, 2 bad command line). */
export async function runReleaseCommand(command: ReleaseCommand, args: readonly string[], io: ReleaseIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: args.filter((arg) => arg !== command.name),
      options: {
        out: { type: 'string' },
        variant: { type: 'string' },
        version: { type: 'string' },
        file: { type: 'string' },
        'signing-key': { type: 'string' },
        data: { type: 'string' },
        hub: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    io.err(error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error));
    io.err(releaseHelp(command));
    return 2;
  }
  if (values.help === true) {
    io.out(releaseHelp(command));
    return 0;
  }
  if (values.hub !== undefined) {
    io.err(`${command.name} runs on the machine that holds the signing key, with --data or DATABASE_URL, not through --hub: it reads files there.`);
    return 2;
  }
  const text = (key: string): string | undefined => {
    const value = values[key];
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
  };
  try {
    switch (command.name) {
      case 'update-signing-key':
        return makeSigningKey(command, text('out'), io);
      case 'publish-update':
        return await publish(
          command,
          { variant: text('variant'), version: text('version'), file: text('file'), signingKey: text('signing-key'), data: text('data') },
          io,
        );
      default: {
        const unknownCommand: never = command.name;
        throw new Error(`unknown release command ${String(unknownCommand)}`);
      }
    }
  } catch (error) {
    if (error instanceof ReleaseRefusal || error instanceof UpdateKeyError || error instanceof HubInputError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}

function makeSigningKey(command: ReleaseCommand, out: string | undefined, io: ReleaseIo): number {
  if (out === undefined) {
    io.err('update-signing-key needs --out <folder>.');
    io.err(releaseHelp(command));
    return 2;
  }
  const privatePath = join(out, signingKeyFileName);
  const publicPath = join(out, publicKeyFileName);
  for (const path of [privatePath, publicPath]) {
    // A second key would strand every device that trusts the first: never overwrite one.
    if (existsSync(path))
      throw new ReleaseRefusal(`${path} exists already; a new key pair would not be trusted by devices set up with the old one. Choose another --out.`);
  }
  mkdirSync(out, { recursive: true, mode: 0o700 });
  const pair = generateUpdateSigningKey();
  writeFileSync(privatePath, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
  writeFileSync(publicPath, `${pair.publicKey}\n`, { mode: 0o644, flag: 'wx' });
  io.out(`Wrote the private key to ${privatePath} (readable by you alone) and the public key to ${publicPath}.`);
  io.out(`Put this in every device's site file:  updates: { publicKey: ${pair.publicKey} }`);
  return 0;
}

function readPrivateKeyFile(path: string): ReturnType<typeof readUpdateSigningKey> {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new ReleaseRefusal(`--signing-key names ${path}, and there is no such file.`);
  }
  if ((mode & 0o077) !== 0) {
    throw new ReleaseRefusal(
      `${path} is the key every device trusts, and its mode ${(mode & 0o777).toString(8).padStart(4, '0')} lets others read it. Make it private (chmod 600 ${path}) — and if others did read it, make a new key pair.`,
    );
  }
  return readUpdateSigningKey(readFileSync(path, 'utf8'));
}

/**
 * What `tar` prints of the first member of a .tar.gz that matches one of `patterns` (shell wildcards: `*` stands for
 * electron-builder's wrapping folder), or null when none does or the archive cannot be read.
 */
async function firstMemberOf(file: string, patterns: readonly string[]): Promise<string | null> {
  for (const pattern of patterns) {
    const text = await new Promise<string | null>((resolve) => {
      execFile('tar', ['-xzOf', file, '--wildcards', '--no-wildcards-match-slash', '--occurrence=1', pattern], { maxBuffer: 1024 * 1024 }, (error, stdout) =>
        resolve(error === null && stdout !== '' ? stdout : null),
      );
    });
    if (text !== null) return text;
  }
  return null;
}

/**
 * A build must say the version it is published as, where its kind of build says it (rules/app-update.ts
 * buildLayoutOf): the device installs nothing else (main/update/install-layout.ts), and since versions only go up, a
 * number published by mistake is spent. So a mislabelled build is refused here, before every device downloads it only
 * to refuse it.
 */
async function checkVersionInside(file: string, variant: UpdateVariant, version: string): Promise<void> {
  const { versionFile, wrappedInOneFolder } = buildLayoutOf(variant);
  const where = [versionFile, `./${versionFile}`, ...(wrappedInOneFolder ? [`*/${versionFile}`, `./*/${versionFile}`] : [])];
  const text = await firstMemberOf(file, where);
  if (text === null)
    throw new ReleaseRefusal(
      wrappedInOneFolder
        ? `${file} holds no ${versionFile}, so no device would install it: publish the tar.gz electron-builder made (npm run package), as it is.`
        : `${file} holds no ${versionFile} at its top, so no device would install it: pack the version folder from inside (tar -czf <file> -C <folder> .).`,
    );
  let inside: unknown;
  try {
    inside = Reflect.get(JSON.parse(text) as object, 'version');
  } catch {
    inside = undefined;
  }
  if (inside !== version)
    throw new ReleaseRefusal(
      `${file} says it is version ${String(inside)} in its ${versionFile}, not ${version}; devices would refuse it. Publish it as ${String(inside)}, or rebuild it with ${version} in its package.json.`,
    );
}

async function publish(
  command: ReleaseCommand,
  given: { variant: string | undefined; version: string | undefined; file: string | undefined; signingKey: string | undefined; data: string | undefined },
  io: ReleaseIo,
): Promise<number> {
  const missing = (['variant', 'version', 'file', 'signingKey'] as const).filter((key) => given[key] === undefined);
  if (missing.length > 0) {
    io.err(`publish-update needs ${missing.map((key) => (key === 'signingKey' ? '--signing-key' : `--${key}`)).join(', ')}.`);
    io.err(releaseHelp(command));
    return 2;
  }
  const variant = UpdateVariant.safeParse(given.variant);
  if (!variant.success) {
    io.err(`--variant must be ${UpdateVariant.options.join(' or ')}, not ${given.variant ?? ''}.`);
    return 2;
  }
  const version = AppVersion.safeParse(given.version);
  if (!version.success) {
    io.err(`--version must be MAJOR.MINOR.PATCH, numbers only (e.g. 1.4.2), not ${given.version ?? ''}.`);
    return 2;
  }
  const file = given.file ?? '';
  const fileName = UpdateFileName.safeParse(basename(file));
  if (!fileName.success) throw new ReleaseRefusal(`The file's name ${basename(file)} must be letters, digits, dots, dashes and underscores only; rename it.`);
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new ReleaseRefusal(`--file names ${file}, which is not a file.`);
    size = stat.size;
  } catch (error) {
    if (error instanceof ReleaseRefusal) throw error;
    throw new ReleaseRefusal(`--file names ${file}, and there is no such file.`);
  }
  if (size === 0 || size > maxUpdateBytes) throw new ReleaseRefusal(`${file} is ${size} bytes; an update is 1 byte to ${maxUpdateBytes} bytes.`);
  const privateKey = readPrivateKeyFile(given.signingKey ?? '');
  if (given.data === undefined && io.database === undefined && (io.env.DATABASE_URL ?? '') === '') {
    io.err('Say which hub to publish on: --data <folder> (PGlite) or DATABASE_URL=postgres://… (a PostgreSQL server).');
    return 2;
  }
  // Last of the checks, as it reads the whole archive when its version file is near the end.
  await checkVersionInside(file, variant.data, version.data);
  const now = (io.now ?? Date.now)();
  const digest = await digestOfFile(file);
  const fields = SignedUpdateFields.parse({
    appId: dayroomAppId,
    variant: variant.data,
    version: version.data,
    fileName: fileName.data,
    sha512: digest.sha512,
    size: digest.size,
    releaseDate: new Date(now).toISOString(),
  });
  const signature = signUpdate(fields, privateKey);
  const databaseUrl = io.env.DATABASE_URL;
  const database =
    io.database ??
    (await openHubDatabase({
      ...(given.data === undefined ? {} : { dataDir: given.data }),
      ...(databaseUrl === undefined || databaseUrl === '' ? {} : { databaseUrl }),
    }));
  try {
    const outcome = await publishAppUpdate(
      database,
      { fields, signature, publishedBy: io.env.USER ?? io.env.LOGNAME ?? 'hub console', publishedAt: now },
      createReadStream(file, { highWaterMark: appUpdateChunkBytes }),
      (stored) => {
        if (stored.sha512 !== fields.sha512 || stored.size !== fields.size)
          throw new ReleaseRefusal(`${file} changed while it was being published; nothing was published. Publish it again.`);
      },
    );
    switch (outcome) {
      case 'published':
        io.out(`Published ${fields.variant} ${fields.version} (${fields.fileName}, ${fields.size} bytes, sha512 ${fields.sha512}).`);
        io.out(
          `Signed with the key whose public half is ${publicKeyOfSigningKey(privateKey)}; devices whose site file holds it install it when no one is signed in.`,
        );
        return 0;
      case 'alreadyPublished':
        io.out(`${fields.variant} ${fields.version} is already published with these very bytes; nothing changed.`);
        return 0;
      default: {
        const unknownOutcome: never = outcome;
        throw new Error(`unknown publish outcome ${String(unknownOutcome)}`);
      }
    }
  } finally {
    if (io.database === undefined) await database.close();
  }
}
