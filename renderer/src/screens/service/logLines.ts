// What service mode makes of the device log's last lines: newest first, the lines a staff member asked for, and a run of
// the same routine line folded into one with a count ("pull batch applied ×120"), so the one warning among them shows.
import type { DeviceLogLine } from '../../../../main/contract';

export type LogFilter = 'all' | 'problems';

export interface ShownLogLine {
  readonly line: DeviceLogLine;
  /** How many lines in a row said the same; `line` is the newest of them. */
  readonly count: number;
}

export function isProblem(level: DeviceLogLine['level']): boolean {
  switch (level) {
    case 'warn':
    case 'error':
    case 'fatal':
    case 'unknown':
      return true;
    case 'trace':
    case 'debug':
    case 'info':
      return false;
    default: {
      const unknownLevel: never = level;
      return unknownLevel;
    }
  }
}

/** Lines oldest first (as the log has them) → what the screen lists, newest first. */
export function linesToShow(lines: readonly DeviceLogLine[], filter: LogFilter): ShownLogLine[] {
  const shown: ShownLogLine[] = [];
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = lines[index];
    if (line === undefined || (filter === 'problems' && !isProblem(line.level))) continue;
    const previous = shown.at(-1);
    // Problems are never folded: each one may say something different in its fields, and each matters.
    if (previous !== undefined && !isProblem(line.level) && previous.line.level === line.level && previous.line.message === line.message) {
      shown[shown.length - 1] = { line: previous.line, count: previous.count + 1 };
    } else {
      shown.push({ line, count: 1 });
    }
  }
  return shown;
}
