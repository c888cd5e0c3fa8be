// Where the device log's files are, apart from the logger (main/logging.ts) so that readers — service mode, tests —
// can find them without loading pino. The log rotates into numbered files; the highest number is being written.
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The device log's name: its files are this path with a number before `.log` (`device.3.log`), see deviceLogFiles.
 * Service mode reads and exports the log from here.
 */
export function deviceLogPath(dataDir: string): string {
  return join(dataDir, 'logs', 'device.log');
}

/** The files of the log named `logPath` (deviceLogPath), oldest first; none before the first line is written. */
export function deviceLogFiles(logPath: string): string[] {
  const stem = basename(logPath).replace(/\.log$/, '');
  let names: string[];
  try {
    names = readdirSync(dirname(logPath));
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, number: name.startsWith(`${stem}.`) ? /^\.(\d+)\.log$/.exec(name.slice(stem.length))?.[1] : undefined }))
    .filter((file): file is { name: string; number: string } => file.number !== undefined)
    .sort((a, b) => Number(a.number) - Number(b.number))
    .map((file) => join(dirname(logPath), file.name));
}
