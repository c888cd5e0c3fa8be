// A tablet's battery read from a sysfs-shaped folder (platform/power-supply.ts): the system battery, charging or not,
// and null wherever the files do not read as Linux documents them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readBattery } from '../../../platform/power-supply';
import { makeTempDir } from '../../support/temp-dir';

const folders: Array<{ remove: () => void }> = [];
afterEach(() => folders.splice(0).forEach((folder) => folder.remove()));

function powerSupplyRoot(): string {
  const folder = makeTempDir('power-supply-');
  folders.push(folder);
  return folder.path;
}

function supply(root: string, name: string, files: Record<string, string>): void {
  mkdirSync(join(root, name), { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(root, name, file), `${content}\n`);
}

describe('readBattery', () => {
  it('reads the system battery’s percent and whether it is charging, passing over the charger and a mouse’s battery', () => {
    const root = powerSupplyRoot();
    supply(root, 'AC', { type: 'Mains', online: '1' });
    supply(root, 'hidpp_battery_0', { type: 'Battery', scope: 'Device', capacity: '5', status: 'Discharging' });
    supply(root, 'BAT0', { type: 'Battery', capacity: '64', status: 'Charging' });
    expect(readBattery(root)).toEqual({ percent: 64, charging: true });
  });

  it('counts a full battery on its charger as charging and "Not charging" as not', () => {
    const full = powerSupplyRoot();
    supply(full, 'BAT0', { type: 'Battery', capacity: '100', status: 'Full' });
    expect(readBattery(full)).toEqual({ percent: 100, charging: true });
    const held = powerSupplyRoot();
    supply(held, 'BAT1', { type: 'Battery', capacity: '80', status: 'Not charging' });
    expect(readBattery(held)).toEqual({ percent: 80, charging: false });
  });

  it('gives null where there is no battery, no folder, or a capacity that is not a percent', () => {
    const none = powerSupplyRoot();
    supply(none, 'AC', { type: 'Mains', online: '1' });
    expect(readBattery(none)).toBeNull();
    expect(readBattery(join(none, 'missing'))).toBeNull();
    const wrong = powerSupplyRoot();
    supply(wrong, 'BAT0', { type: 'Battery', capacity: '250', status: 'Discharging' });
    supply(wrong, 'BAT1', { type: 'Battery', capacity: 'lots', status: 'Discharging' });
    expect(readBattery(wrong)).toBeNull();
  });
});
