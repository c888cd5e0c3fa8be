// Backup and restore of a hub on PostgreSQL: `npm run hub -- backup --to <file>` and `restore --from <file>`
// (hub/commands/maintenance.ts). A backup is one file: a first line naming the format, a line of JSON — the manifest:
// the migrations applied, every table's row count, the blobs' count and digest, the dump's size and sha256 — and then
// the `pg_dump -Fc` output. The manifest is counted inside the same snapshot pg_dump copies (pg_export_snapshot), so
// it describes exactly the rows in the dump even while the hub keeps working.
//
// Attachments are rows of the `blobs` table (bytea), not files in a folder, so the dump holds every byte there is;
// restore checks every blob's bytes against its sha256 name as well as the counts.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  accessSync,
  constants,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { z } from 'zod';
import { checkDatabaseReachable, parseDatabaseUrl, redactedDatabaseUrl, StartRefusal } from '../startup';

/** A backup or restore that cannot be done, in words; nothing was changed. */
export class BackupRefusal extends Error {
  override readonly name = 'BackupRefusal';
}

const magicLine = 'DAYROOM-HUB-BACKUP 1';

export const BackupManifest = z.object({
  format: z.literal('dayroom-hub-backup'),
  formatVersion: z.literal(1),
  createdAt: z.string(),
  serverVersion: z.string(),
  /** schema_migrations' versions: the schema the dump holds. */
  migrations: z.array(z.number().int()),
  /** Row count of every table in the public schema. */
  tables: z.record(z.string(), z.number().int().nonnegative()),
  blobs: z.object({ count: z.number().int().nonnegative(), totalBytes: z.number().int().nonnegative(), digest: z.string().regex(/^[0-9a-f]{64}$/) }),
  dump: z.object({ bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

type Queryable = Pick<pg.Client, 'query'>;

interface Contents {
  readonly migrations: number[];
  readonly tables: Record<string, number>;
  readonly blobs: BackupManifest['blobs'];
}

/** What a hub database holds, as the manifest records it; every blob's bytes are checked against their name. */
async function contentsOf(client: Queryable): Promise<Contents> {
  const tableRows = await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  const tables: Record<string, number> = {};
  for (const { name } of tableRows.rows) {
    const counted = await client.query<{ rows: string }>(`SELECT count(*)::text AS rows FROM public.${pg.escapeIdentifier(name)}`);
    tables[name] = Number(counted.rows[0]?.rows ?? 0);
  }
  const migrations = (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((row) => Number(row.version));
  const blobRows = await client.query<{ sha256: string; actual: string; size: number }>(
    "SELECT sha256, encode(sha256(bytes), 'hex') AS actual, byte_size AS size FROM blobs ORDER BY sha256",
  );
  const digest = createHash('sha256');
  let totalBytes = 0;
  const damaged: string[] = [];
  for (const blob of blobRows.rows) {
    if (blob.actual !== blob.sha256) damaged.push(blob.sha256);
    digest.update(`${blob.sha256}\n`);
    totalBytes += Number(blob.size);
  }
  if (damaged.length > 0) {
    throw new BackupRefusal(
      `${damaged.length} attachment${damaged.length === 1 ? '' : 's'} in the blobs table ${damaged.length === 1 ? 'does' : 'do'} not match ${damaged.length === 1 ? 'its' : 'their'} sha256 (${damaged.slice(0, 3).join(', ')}${damaged.length > 3 ? ', …' : ''}).`,
    );
  }
  return { migrations, tables, blobs: { count: blobRows.rows.length, totalBytes, digest: digest.digest('hex') } };
}

/** Where the differences between what a manifest says and what a database holds are, in words; empty when none. */
function differences(expected: Contents, actual: Contents): string[] {
  const found: string[] = [];
  if (expected.migrations.join(',') !== actual.migrations.join(','))
    found.push(`migrations ${actual.migrations.join(',')} instead of ${expected.migrations.join(',')}`);
  const names = new Set([...Object.keys(expected.tables), ...Object.keys(actual.tables)]);
  for (const name of [...names].sort()) {
    const want = expected.tables[name];
    const have = actual.tables[name];
    if (want === undefined) found.push(`table ${name} is not in the backup`);
    else if (have === undefined) found.push(`table ${name} is missing`);
    else if (want !== have) found.push(`table ${name} has ${have} rows instead of ${want}`);
  }
  if (expected.blobs.count !== actual.blobs.count || expected.blobs.digest !== actual.blobs.digest || expected.blobs.totalBytes !== actual.blobs.totalBytes)
    found.push(
      `the attachments differ (${actual.blobs.count} of ${actual.blobs.totalBytes} bytes instead of ${expected.blobs.count} of ${expected.blobs.totalBytes})`,
    );
  return found;
}

// ---- the PostgreSQL tools ----

/** The server's major version (16 for 16.4), which decides which pg_dump and pg_restore may be used. */
async function serverMajor(client: Queryable): Promise<{ major: number; version: string }> {
  const row = (
    await client.query<{ num: string; version: string }>("SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version")
  ).rows[0];
  return { major: Math.floor(Number(row?.num ?? 0) / 10_000), version: row?.version ?? 'unknown' };
}

/**
 * pg_dump or pg_restore of the server's major version or newer: Debian keeps each version's tools in
 * /usr/lib/postgresql/<major>/bin (the same one first, then the newest), and an older one cannot read a newer server.
 */
export function findPostgresTool(tool: 'pg_dump' | 'pg_restore', major: number, root = '/usr/lib/postgresql'): string {
  const versions = existsSync(root)
    ? readdirSync(root)
        .map(Number)
        .filter((version) => Number.isInteger(version))
    : [];
  const usable = versions
    .filter((version) => version >= major && existsSync(join(root, String(version), 'bin', tool)))
    .sort((left, right) => (left === major ? -1 : right === major ? 1 : right - left));
  const found = usable[0];
  if (found === undefined)
    throw new BackupRefusal(`${tool} for PostgreSQL ${major} (or newer) is not installed on this machine: apt-get install postgresql-client-${major}`);
  return join(root, String(found), 'bin', tool);
}

// ---- running them ----

/** The tools get the URL without its password (a command line is visible to every user of the machine) and PGPASSWORD. */
function toolConnection(url: URL): { readonly dbname: string; readonly env: NodeJS.ProcessEnv } {
  const withoutPassword = new URL(url.href);
  const password = decodeURIComponent(withoutPassword.password);
  withoutPassword.password = '';
  return { dbname: withoutPassword.href, env: { ...process.env, ...(password === '' ? {} : { PGPASSWORD: password }) } };
}

/** Runs a PostgreSQL tool to the end; a failure is a refusal carrying what the tool said. */
function runTool(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  streams: { readonly input?: Readable; readonly output?: (stdout: Readable) => Promise<void> },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => stderr.push(chunk));
    // The tool's exit status says what went wrong when feeding it fails (it stopped reading).
    const fed = streams.input === undefined ? (child.stdin.end(), Promise.resolve()) : pipeline(streams.input, child.stdin).catch(() => undefined);
    const drained = streams.output === undefined ? (child.stdout.resume(), Promise.resolve()) : streams.output(child.stdout);
    child.once('error', (error) => reject(new BackupRefusal(`${file} could not be started: ${error.message}`)));
    child.once('close', (code, signal) => {
      void Promise.allSettled([fed, drained]).then(([, output]) => {
        const said = stderr.join('').trim().split('\n').slice(-8).join('\n');
        if (code !== 0) reject(new BackupRefusal(`${file} failed (${signal ?? `exit ${code ?? '?'}`})${said === '' ? '.' : `:\n${said}`}`));
        else if (output.status === 'rejected') reject(output.reason instanceof Error ? output.reason : new Error(String(output.reason)));
        else resolve();
      });
    });
  });
}

/** Counts and hashes the bytes passing through. */
function measuring(): { readonly stream: Transform; readonly result: () => { bytes: number; sha256: string } } {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, result: () => ({ bytes, sha256: hash.digest('hex') }) };
}

async function connected(url: URL): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url.href });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Start-up refusals (a wrong DATABASE_URL) read the same for backup and restore. */
async function reachable(databaseUrl: string): Promise<URL> {
  try {
    await checkDatabaseReachable(databaseUrl);
  } catch (error) {
    if (error instanceof StartRefusal) throw new BackupRefusal(error.message);
    throw error;
  }
  return parseDatabaseUrl(databaseUrl);
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// ---- backup ----

/** Before anything is dumped: the file's folder exists and this user may write in it. */
function checkWritableFolder(file: string): void {
  const folder = dirname(file);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new BackupRefusal(`The backup cannot be written to ${file}: the folder ${folder} does not exist.`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new BackupRefusal(`The backup cannot be written to ${file}: this user may not write in ${folder}.`);
  }
}

export async function backupHub(options: { readonly databaseUrl: string; readonly to: string; readonly now?: () => number }): Promise<BackupManifest> {
  if (existsSync(options.to)) throw new BackupRefusal(`${options.to} already exists; the backup will not overwrite it. Name a new file.`);
  checkWritableFolder(options.to);
  const url = await reachable(options.databaseUrl);
  const client = await connected(url);
  const partialDump = `${options.to}.dump-partial`;
  const partialBackup = `${options.to}.partial`;
  try {
    // One snapshot for the counts and the dump: the manifest describes exactly the rows pg_dump copies.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]?.id ?? '';
    const isHub = (await client.query<{ found: string | null }>("SELECT to_regclass('public.schema_migrations')::text AS found")).rows[0]?.found;
    if (isHub === null || isHub === undefined)
      throw new BackupRefusal(`The database at ${redactedDatabaseUrl(url)} is not a Dayroom hub's: it has no schema_migrations table.`);
    const contents = await contentsOf(client);
    const server = await serverMajor(client);
    const pgDump = findPostgresTool('pg_dump', server.major);
    const connection = toolConnection(url);
    const measured = measuring();
    await runTool(pgDump, ['--format=custom', `--snapshot=${snapshot}`, '--no-password', `--dbname=${connection.dbname}`], connection.env, {
      output: (stdout) => pipeline(stdout, measured.stream, createWriteStream(partialDump, { mode: 0o600 })),
    });
    await client.query('COMMIT');
    const manifest: BackupManifest = {
      format: 'dayroom-hub-backup',
      formatVersion: 1,
      createdAt: new Date((options.now ?? Date.now)()).toISOString(),
      serverVersion: server.version,
      ...contents,
      dump: measured.result(),
    };
    const header = `${magicLine}\n${JSON.stringify(manifest)}\n`;
    const out = createWriteStream(partialBackup, { mode: 0o600 });
    out.write(header);
    await pipeline(createReadStream(partialDump), out);
    fsyncFile(partialBackup);
    renameSync(partialBackup, options.to);
    return manifest;
  } finally {
    rmSync(partialDump, { force: true });
    rmSync(partialBackup, { force: true });
    await client.end().catch(() => undefined);
  }
}

// ---- restore ----

/** The manifest of a backup file and where its dump begins, or a refusal saying what the file is not. */
export function readBackupHeader(path: string): { readonly manifest: BackupManifest; readonly dumpOffset: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
    throw new BackupRefusal(`${path} cannot be read: ${code === 'ENOENT' ? 'there is no such file' : code}.`);
  }
  try {
    const head = Buffer.alloc(1 << 20);
    const length = readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, length);
    const firstEnd = text.indexOf(0x0a);
    const secondEnd = firstEnd < 0 ? -1 : text.indexOf(0x0a, firstEnd + 1);
    if (firstEnd < 0 || text.subarray(0, firstEnd).toString('utf8') !== magicLine || secondEnd < 0)
      throw new BackupRefusal(`${path} is not a Dayroom hub backup (made by npm run hub -- backup): it does not begin with "${magicLine}".`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.subarray(firstEnd + 1, secondEnd).toString('utf8'));
    } catch {
      throw new BackupRefusal(`${path} is damaged: its manifest is not readable JSON.`);
    }
    const manifest = BackupManifest.safeParse(parsed);
    if (!manifest.success)
      throw new BackupRefusal(`${path} is damaged: its manifest is not what a Dayroom hub backup holds (${manifest.error.issues[0]?.message ?? ''}).`);
    return { manifest: manifest.data, dumpOffset: secondEnd + 1 };
  } finally {
    closeSync(fd);
  }
}

async function checkDump(path: string, manifest: BackupManifest, dumpOffset: number): Promise<void> {
  const measured = measuring();
  await pipeline(createReadStream(path, { start: dumpOffset }), measured.stream, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) void chunk;
  });
  const { bytes, sha256 } = measured.result();
  if (bytes !== manifest.dump.bytes || sha256 !== manifest.dump.sha256)
    throw new BackupRefusal(
      `${path} is damaged: its dump is ${bytes} bytes with sha256 ${sha256.slice(0, 12)}…, and the manifest says ${manifest.dump.bytes} bytes, ${manifest.dump.sha256.slice(0, 12)}…. Nothing was restored.`,
    );
}

export async function restoreHub(options: { readonly databaseUrl: string; readonly from: string }): Promise<BackupManifest> {
  const { manifest, dumpOffset } = readBackupHeader(options.from);
  await checkDump(options.from, manifest, dumpOffset);
  const url = await reachable(options.databaseUrl);
  const client = await connected(url);
  try {
    const present = await client.query<{ name: string }>(
      "SELECT schemaname || '.' || tablename AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    );
    if (present.rows.length > 0) {
      const names = present.rows.map((row) => row.name);
      throw new BackupRefusal(
        `The database at ${redactedDatabaseUrl(url)} is not empty: it has ${names.length} table${names.length === 1 ? '' : 's'} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}). ` +
          'A restore goes only into a new, empty database, so nothing in it is overwritten: create one (createdb) and point DATABASE_URL at it. Nothing was changed.',
      );
    }
    const server = await serverMajor(client);
    const pgRestore = findPostgresTool('pg_restore', server.major);
    const connection = toolConnection(url);
    // One transaction: a restore that fails part-way leaves the database as empty as it was.
    await runTool(
      pgRestore,
      ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', '--no-password', `--dbname=${connection.dbname}`],
      connection.env,
      { input: createReadStream(options.from, { start: dumpOffset }) },
    );
    const restored = await contentsOf(client);
    const found = differences(manifest, restored);
    if (found.length > 0)
      throw new BackupRefusal(
        `The restored database does not match the backup's manifest: ${found.join('; ')}. Do not start a hub on it; drop it and restore again.`,
      );
    return manifest;
  } finally {
    await client.end().catch(() => undefined);
  }
}
