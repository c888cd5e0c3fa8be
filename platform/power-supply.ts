// A tablet's battery, as Linux tells it in sysfs (/sys/class/power_supply/<name>/{type,capacity,status}), for the
// health report the device sends the hub. A wall kiosk has no battery (or only a UPS the app does not see): null. Any
// file that is missing or does not read as Linux documents it also gives null: a wrong figure is worse than none.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const linuxPowerSupplyRoot = '/sys/class/power_supply';

export interface BatteryLevel {
  /** 0–100. */
  readonly percent: number;
  /** On a charger: charging, or full and holding. */
  readonly charging: boolean;
}

function readTrimmed(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * The first system battery under `root` (type "Battery", scope not "Device" — a wireless mouse's battery is not the
 * tablet's), or null. `status` is "Charging", "Full", "Discharging" or "Not charging" (plugged in but held back).
 */
export function readBattery(root: string = linuxPowerSupplyRoot): BatteryLevel | null {
  let names: string[];
  try {
    names = readdirSync(root).sort();
  } catch {
    return null;
  }
  for (const name of names) {
    const folder = join(root, name);
    if (readTrimmed(join(folder, 'type')) !== 'Battery') continue;
    if (readTrimmed(join(folder, 'scope')) === 'Device') continue;
    const capacity = readTrimmed(join(folder, 'capacity'));
    if (capacity === null || !/^[0-9]{1,3}$/.test(capacity)) continue;
    const percent = Number(capacity);
    if (percent > 100) continue;
    const status = readTrimmed(join(folder, 'status'));
    return { percent, charging: status === 'Charging' || status === 'Full' };
  }
  return null;
}
