// The device log as one text, read across its rotated files oldest first (main/log-files.ts says where they are).
import { readFileSync } from 'node:fs';
import { deviceLogFiles, deviceLogPath } from '../../main/log-files';

export function readDeviceLog(dataDir: string): string {
  return deviceLogFiles(deviceLogPath(dataDir))
    .map((file) => readFileSync(file, 'utf8'))
    .join('');
}
