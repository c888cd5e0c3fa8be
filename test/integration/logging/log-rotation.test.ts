// The device log rotates (pino-roll): past its size a new numbered file is started, only the newest few are kept, a
// restart carries on where the last run stopped, and service mode reads the log's end across the rotated files.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDeviceLogger, deviceLogFiles, deviceLogPath, type Logger } from '../../../main/logging';
import { readDeviceLogTail, writeSupportBundle } from '../../../main/service-mode/device-log';
import { makeTempDir } from '../../support/temp-dir';

const rotation = { maxFileKb: 4, keptFiles: 3 };
/** About 200 bytes a line, so a 4 KB file holds about twenty. */
const padding = 'x'.repeat(120);

let folder: { path: string; remove: () => void };
let loggers: Logger[] = [];

afterEach(() => {
  for (const logger of loggers) logger.flush();
  loggers = [];
  folder.remove();
});

function logger(): Logger {
  const made = createDeviceLogger({ dataDir: folder.path, rotation });
  loggers.push(made);
  return made;
}

/** Lines a few at a time, letting the stream roll between them as it does on a device between calls. */
async function writeLines(log: Logger, from: number, count: number, message: string): Promise<void> {
  for (let line = from; line < from + count; line += 1) {
    log.info({ line, padding }, `${message} ${line}`);
    if (line % 4 === 3) await sleep(2);
  }
  await sleep(20);
}

const files = () => deviceLogFiles(deviceLogPath(folder.path));

describe('the device log rotates', () => {
  it('starts a new file past the size limit and keeps only the newest files', async () => {
    folder = makeTempDir('dayroom-log-rotation-');
    const log = logger();
    await writeLines(log, 0, 10, 'routine');
    expect(files()).toHaveLength(1);

    await writeLines(log, 10, 30, 'routine');
    await expect.poll(() => files().length, { timeout: 5_000 }).toBeGreaterThan(1);

    await writeLines(log, 40, 300, 'routine');
    // Old files go asynchronously after a roll; the count settles at the limit and stays there.
    await expect.poll(() => files().length, { timeout: 5_000 }).toBe(rotation.keptFiles);
    const numbers = files().map((file) => Number(/\.(\d+)\.log$/.exec(file)?.[1]));
    expect(Math.max(...numbers)).toBeGreaterThan(rotation.keptFiles);
    // Each file rolls at the first pause past its limit: a few lines over at most, never unbounded.
    for (const file of files()) expect(statSync(file).size).toBeLessThan(rotation.maxFileKb * 1024 + 8 * 256);
  });

  it('carries on in the last file after a restart, and counts the files a previous run left', async () => {
    folder = makeTempDir('dayroom-log-rotation-');
    await writeLines(logger(), 0, 200, 'first run');
    await expect.poll(() => files().length, { timeout: 5_000 }).toBe(rotation.keptFiles);
    const lastOfFirstRun = files().at(-1);

    const restarted = logger();
    restarted.info('second run started');
    await sleep(50);
    expect(files().at(-1)).toBe(lastOfFirstRun);
    await writeLines(restarted, 0, 200, 'second run');
    await expect.poll(() => files().length, { timeout: 5_000 }).toBe(rotation.keptFiles);
  });

  it('service mode shows lines from before and after a rotation, and exports across it', async () => {
    folder = makeTempDir('dayroom-log-rotation-');
    const log = logger();
    await writeLines(log, 0, 15, 'before');
    await expect.poll(() => files().length).toBe(1);
    await writeLines(log, 15, 15, 'before');
    await expect.poll(() => files().length, { timeout: 5_000 }).toBe(2);
    await writeLines(log, 0, 3, 'after');
    await sleep(20);
    // The last line of the older file and the first of the newer one: the rotation fell between them.
    const [older, newer] = files().map((file) => readFileSync(file, 'utf8').trim().split('\n'));
    const lastBefore = (JSON.parse(older?.at(-1) ?? '{}') as { msg?: string }).msg;
    const firstAfter = (JSON.parse(newer?.[0] ?? '{}') as { msg?: string }).msg;
    expect(lastBefore).toMatch(/^before \d+$/);

    const { lines, totalBytes } = readDeviceLogTail(deviceLogPath(folder.path), 40);
    const messages = lines.map((line) => line.message);
    expect(messages.slice(-3)).toEqual(['after 0', 'after 1', 'after 2']);
    expect(messages.indexOf(firstAfter ?? '')).toBe(messages.indexOf(lastBefore ?? '') + 1);
    expect(messages.indexOf(lastBefore ?? '')).toBeGreaterThan(0);
    expect(lines.every((line) => line.level === 'info')).toBe(true);
    expect(totalBytes).toBe(files().reduce((sum, file) => sum + statSync(file).size, 0));

    const bundleFolder = makeTempDir('dayroom-log-bundle-');
    try {
      const exported = writeSupportBundle({
        directory: bundleFolder.path,
        logFile: deviceLogPath(folder.path),
        deviceName: 'Kiosk',
        at: Date.UTC(2030, 0, 1),
        facts: {},
      });
      const bundle = readFileSync(`${exported.directory}/${exported.fileName}`, 'utf8');
      expect(bundle).toContain('before 0');
      expect(bundle).toContain('after 2');
    } finally {
      bundleFolder.remove();
    }
  });
});
