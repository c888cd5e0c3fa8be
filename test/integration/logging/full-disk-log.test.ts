// The device log on a disk that fills up (a real tmpfs): logging never throws, lines that cannot be written are
// counted, and writing resumes when space returns (issue 15: pino's synchronous destination threw ENOSPC out of the
// calls that were logging).
import { afterAll, describe, expect, it } from 'vitest';
import { createDeviceLogger, deviceLogHealth } from '../../../main/logging';
import { readDeviceLog } from '../../support/device-log';
import { fillDisk, freeDisk, mountSmallFilesystem, type SmallFilesystem } from '../../support/small-filesystem';

const smallDisk: SmallFilesystem = mountSmallFilesystem(1024 * 1024);
if (!smallDisk.mounted) console.warn(`full-disk log tests skipped: ${smallDisk.reason}`);

describe.skipIf(!smallDisk.mounted)('the device log on a full disk (a real tmpfs)', () => {
  afterAll(() => {
    if (smallDisk.mounted) smallDisk.unmount();
  });

  it('drops and counts lines while the disk is full, never throws, and writes again once space is freed', () => {
    if (!smallDisk.mounted) return;
    const logger = createDeviceLogger({ dataDir: smallDisk.path });
    logger.info({ step: 'before' }, 'written before the disk filled');
    const filler = fillDisk(smallDisk.path);
    expect(() => {
      for (let line = 0; line < 200; line += 1) logger.error({ line, detail: 'x'.repeat(200) }, 'while the disk is full');
    }).not.toThrow();
    expect(deviceLogHealth(logger)).toMatchObject({ lastFailure: 'ENOSPC' });
    expect(deviceLogHealth(logger)?.droppedLines).toBeGreaterThan(0);

    freeDisk(filler);
    logger.info({ step: 'after' }, 'written after space came back');
    const text = readDeviceLog(smallDisk.path);
    expect(text).toContain('written before the disk filled');
    expect(text).toContain('written after space came back');
  });

  it('counts every line as dropped when the log folder cannot be created, and never throws', () => {
    if (!smallDisk.mounted) return;
    const filler = fillDisk(smallDisk.path, 'filler-2.bin');
    try {
      // A data folder that does not exist yet on a full disk: its logs folder cannot be made.
      const logger = createDeviceLogger({ dataDir: `${smallDisk.path}/not-yet-made/deeper` });
      expect(() => logger.warn('nowhere to go')).not.toThrow();
      expect(deviceLogHealth(logger)).toEqual({ droppedLines: 1, lastFailure: 'ENOSPC' });
    } finally {
      freeDisk(filler);
    }
  });
});
