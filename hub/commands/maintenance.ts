// The hub's maintenance commands, `backup` and `restore` (hub/db/backup.ts). They are not in the command registry on
// purpose: the registry's commands also run inside a running hub (the console route), and these must not — they
// read and write files on the machine they run on, run pg_dump and pg_restore, and restore needs a database no hub is
// using yet. They run only from the command line, on a hub on PostgreSQL named by DATABASE_URL.
import { parseArgs } from 'node:util';
import { BackupRefusal, backupHub, restoreHub, type BackupManifest } from '../db/backup';
import { parseDatabaseUrl, redactedDatabaseUrl, StartRefusal } from '../startup';
import { commandInvocation } from './registry';

export type MaintenanceCommandName = 'backup' | 'restore';

interface MaintenanceCommand {
  readonly name: MaintenanceCommandName;
  readonly summary: string;
  readonly option: 'to' | 'from';
  readonly optionHelp: string;
}

export const maintenanceCommands: readonly MaintenanceCommand[] = [
  {
    name: 'backup',
    summary: 'Write the whole hub (every table and attachment) to one file with a manifest to check it by (PostgreSQL only).',
    option: 'to',
    optionHelp: 'the backup file to write, e.g. /var/backups/dayroom-hub/2025-06-01.dayroom-backup; it must not exist yet',
  },
  {
    name: 'restore',
    summary: 'Put a backup into a new, empty PostgreSQL database and check every table and attachment against its manifest.',
    option: 'from',
    optionHelp: 'the backup file npm run hub -- backup wrote',
  },
];

export function findMaintenanceCommand(name: string | undefined): MaintenanceCommand | undefined {
  return maintenanceCommands.find((command) => command.name === name);
}

export function maintenanceHelp(command: MaintenanceCommand): string {
  return [
    `usage: DATABASE_URL=postgres://… ${commandInvocation} ${command.name} --${command.option} <file>`,
    `  ${command.summary}`,
    `  --${command.option} <file>  ${command.optionHelp}`,
    '  DATABASE_URL names the PostgreSQL database (docs/deployment-hub.md "Backups" and "Restoring").',
  ].join('\n');
}

interface MaintenanceIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
}

const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

function describeManifest(manifest: BackupManifest): string {
  const rows = Object.values(manifest.tables).reduce((sum, count) => sum + count, 0);
  return `${plural(Object.keys(manifest.tables).length, 'table')} with ${plural(rows, 'row')}, ${plural(manifest.blobs.count, 'attachment')} (${manifest.blobs.totalBytes} bytes), schema at migration ${manifest.migrations.at(-1) ?? 0}`;
}

/** Runs backup or restore; resolves to the exit code (0 done, 1 refused, 2 bad command line). */
export async function runMaintenance(command: MaintenanceCommand, args: readonly string[], io: MaintenanceIo): Promise<number> {
  let values: { to?: string; from?: string; help?: boolean; data?: string; hub?: string };
  try {
    values = parseArgs({
      args: args.filter((arg) => arg !== command.name),
      options: { [command.option]: { type: 'string' }, help: { type: 'boolean', short: 'h' }, data: { type: 'string' }, hub: { type: 'string' } },
      strict: true,
    }).values;
  } catch (error) {
    io.err(error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error));
    io.err(maintenanceHelp(command));
    return 2;
  }
  if (values.help === true) {
    io.out(maintenanceHelp(command));
    return 0;
  }
  if (values.hub !== undefined) {
    io.err(`${command.name} runs on the hub's server with DATABASE_URL, not through --hub: it reads and writes files there and runs pg_dump and pg_restore.`);
    return 2;
  }
  if (values.data !== undefined) {
    io.err(
      `${command.name} works on a hub on PostgreSQL (DATABASE_URL). A PGlite hub (--data) is backed up by stopping it and copying its folder, and restored by copying the folder back (docs/deployment-hub.md).`,
    );
    return 1;
  }
  const file = command.option === 'to' ? values.to : values.from;
  if (file === undefined || file.trim() === '') {
    io.err(`${command.name} needs --${command.option} <file>.`);
    io.err(maintenanceHelp(command));
    return 2;
  }
  const databaseUrl = io.env.DATABASE_URL;
  if (databaseUrl === undefined || databaseUrl === '') {
    io.err(`${command.name} needs DATABASE_URL=postgres://… naming the hub's PostgreSQL database.`);
    return 2;
  }
  try {
    const where = redactedDatabaseUrl(parseDatabaseUrl(databaseUrl));
    switch (command.name) {
      case 'backup': {
        const manifest = await backupHub({ databaseUrl, to: file, ...(io.now === undefined ? {} : { now: io.now }) });
        io.out(`Backed up ${where} to ${file}: ${describeManifest(manifest)}.`);
        io.out(`The dump is ${manifest.dump.bytes} bytes, sha256 ${manifest.dump.sha256}; restore checks it and every row count and attachment.`);
        return 0;
      }
      case 'restore': {
        const manifest = await restoreHub({ databaseUrl, from: file });
        io.out(
          `Restored ${file} (made ${manifest.createdAt}) into ${where}: ${describeManifest(manifest)}, every count and attachment as the backup recorded them.`,
        );
        io.out('Devices that synced after this backup was made catch up by themselves on their next sync (hub/README.md "Durability, backups and restores").');
        return 0;
      }
      default: {
        const unknownCommand: never = command.name;
        throw new Error(`unknown maintenance command ${String(unknownCommand)}`);
      }
    }
  } catch (error) {
    if (error instanceof BackupRefusal || error instanceof StartRefusal) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}
