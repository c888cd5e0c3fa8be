// The device log as service mode reads it (its last lines on screen) and takes it away (a support bundle in a folder
// staff can copy from). The logger never writes PINs, message bodies or card data (main/logging.ts), so what is shown
// and exported is the log itself, not a filtered copy of it. The log rotates (main/logging.ts), so its end is read
// across its files, newest back to older, as one text.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { DeviceLogLine, LogExport } from '../contract';
import { writeFileAtomically } from '../../platform/atomic-write';
import { deviceLogFiles } from '../log-files';

/** The most of the log's end that is read for the screen; a few hundred lines fit many times over. */
const screenTailBytes = 512 * 1024;
/** The most of the log a support bundle carries: enough history for support, small enough for any USB stick. */
const bundleTailBytes = 8 * 1024 * 1024;

const pinoLevels: Readonly<Record<number, DeviceLogLine['level']>> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
/** Fields every line has, shown in their own columns or not worth the space. */
const standardFields = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'app']);

/** The last `maxBytes` of one file (all of it when smaller) and the file's size; empty when there is no file. */
function readFileEnd(file: string, maxBytes: number): { bytes: Buffer; fileBytes: number } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { bytes: Buffer.alloc(0), fileBytes: 0 };
  }
  try {
    const fileBytes = fstatSync(fd).size;
    const length = Math.min(fileBytes, maxBytes);
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, fileBytes - length);
    return { bytes: buffer.subarray(0, read), fileBytes };
  } finally {
    closeSync(fd);
  }
}

/**
 * The end of the log named `logPath` (whole lines only), read back across its rotated files until `maxBytes`, and the
 * size of all its files; empty when nothing was written yet.
 */
function readTail(logPath: string, maxBytes: number): { text: string; totalBytes: number } {
  const parts: Buffer[] = [];
  let totalBytes = 0;
  let remaining = maxBytes;
  let cutMidFile = false;
  for (const file of deviceLogFiles(logPath).reverse()) {
    const { bytes, fileBytes } = readFileEnd(file, remaining);
    totalBytes += fileBytes;
    if (remaining === 0) continue;
    parts.unshift(bytes);
    remaining -= bytes.length;
    cutMidFile = bytes.length < fileBytes;
  }
  let text = Buffer.concat(parts).toString('utf8');
  // Started mid-file: the first line is a fragment.
  if (cutMidFile) text = text.slice(text.indexOf('\n') + 1);
  return { text, totalBytes };
}

export function parseLogLine(line: string): DeviceLogLine {
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
    const record = parsed as Record<string, unknown>;
    const rest = Object.fromEntries(Object.entries(record).filter(([key]) => !standardFields.has(key)));
    return {
      at: typeof record.time === 'number' ? record.time : null,
      level: (typeof record.level === 'number' ? pinoLevels[record.level] : undefined) ?? 'unknown',
      message: typeof record.msg === 'string' ? record.msg : '',
      fields: Object.keys(rest).length === 0 ? '' : JSON.stringify(rest),
    };
  } catch {
    // A line cut by a power loss, or not ours: shown as it is, never dropped silently.
    return { at: null, level: 'unknown', message: line.slice(0, 2000), fields: '' };
  }
}

/** The last `limit` lines, oldest first, and the log's size. */
export function readDeviceLogTail(logFile: string, limit: number): { lines: DeviceLogLine[]; totalBytes: number } {
  const { text, totalBytes } = readTail(logFile, screenTailBytes);
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return { lines: lines.slice(-limit).map(parseLogLine), totalBytes };
}

/** A name that sorts by time and says which device: letters, digits and dashes only, whatever the device is called. */
export function supportBundleName(deviceName: string, at: number): string {
  const device =
    deviceName
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'device';
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  return `dayroom-logs-${device}-${stamp}.json`;
}

/**
 * Writes a support bundle — the facts the caller gathered plus the log's end — into `directory`, under a name that
 * appears only once the file is complete (platform/atomic-write.ts), so a stick pulled early holds no half file.
 */
export function writeSupportBundle(options: { directory: string; logFile: string; deviceName: string; at: number; facts: Record<string, unknown> }): LogExport {
  const fileName = supportBundleName(options.deviceName, options.at);
  const { text } = readTail(options.logFile, bundleTailBytes);
  const bundle = {
    format: 'dayroom-support-bundle/1',
    exportedAt: new Date(options.at).toISOString(),
    ...options.facts,
    log: text.split('\n').filter((line) => line.trim() !== ''),
  };
  const contents = `${JSON.stringify(bundle, null, 2)}\n`;
  // Not owner-only: the bundle is for whoever services the device, often on a USB stick.
  writeFileAtomically(options.directory, fileName, contents, { ownerOnly: false });
  return { fileName, directory: options.directory, bytes: Buffer.byteLength(contents) };
}
