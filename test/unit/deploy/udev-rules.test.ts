// The udev rules shipped for readers. This machine's udev (252) has no `udevadm verify` and no reader to trigger
// rules with, so the file is checked here against udev's rule syntax (man udev: comma-separated KEY op "value"
// pairs, match keys with == or !=, assignments with =, += or :=) and against what the drivers need.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { magtekUsagePage, magtekVendorId } from '../../../hardware/drivers/hid-magstripe';

const rulesFile = 'deploy/linux/70-dayroom-readers.rules';

interface RulePair {
  readonly key: string;
  readonly operator: string;
  readonly value: string;
}

const matchKeys = /^(SUBSYSTEM|SUBSYSTEMS|KERNEL|KERNELS|ACTION|ATTRS\{[A-Za-z]+\}|ATTR\{[A-Za-z]+\}|ENV\{[A-Z_]+\})$/;
const assignKeys = /^(MODE|GROUP|OWNER|TAG|SYMLINK|ENV\{[A-Z_]+\})$/;

function parseRule(line: string): RulePair[] {
  const pairs: RulePair[] = [];
  const pair = /\s*([A-Z]+(?:\{[A-Za-z_]+\})?)\s*(==|!=|\+=|:=|=)\s*"([^"]*)"\s*(,|$)/y;
  let at = 0;
  while (at < line.length) {
    pair.lastIndex = at;
    const match = pair.exec(line);
    if (match === null) throw new Error(`cannot parse from column ${at + 1}: ${line.slice(at)}`);
    const [, key = '', operator = '', value = ''] = match;
    pairs.push({ key, operator, value });
    at = pair.lastIndex;
  }
  return pairs;
}

const rules = readFileSync(rulesFile, 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map(parseRule);

const value = (rule: readonly RulePair[], key: string): string | undefined => rule.find((pair) => pair.key === key)?.value;

describe(rulesFile, () => {
  it('has rules, each a list of well-formed pairs with known keys and the right operators', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      for (const { key, operator } of rule) {
        if (operator === '==' || operator === '!=') expect(key, `${key}${operator}`).toMatch(matchKeys);
        else expect(key, `${key}${operator}`).toMatch(assignKeys);
      }
      // A rule that matches nothing in particular would change every device on the machine.
      expect(rule.some((pair) => pair.key === 'ATTRS{idVendor}' && pair.operator === '==')).toBe(true);
    }
  });

  it('lets the kiosk group read the HID magstripe readers the driver looks for', () => {
    const vendor = magtekVendorId.toString(16).padStart(4, '0');
    const hidraw = rules.filter((rule) => value(rule, 'SUBSYSTEM') === 'hidraw' && value(rule, 'ATTRS{idVendor}') === vendor);
    expect(hidraw).toHaveLength(1);
    expect(hidraw[0]).toEqual(
      expect.arrayContaining([
        { key: 'MODE', operator: '=', value: '0660' },
        { key: 'GROUP', operator: '=', value: 'dayroom' },
      ]),
    );
    expect(magtekUsagePage).toBe(0xff00);
  });

  it('keeps ModemManager off every serial reader and gives the kiosk group access', () => {
    const serial = rules.filter((rule) => value(rule, 'SUBSYSTEM') === 'tty');
    expect(serial.length).toBeGreaterThanOrEqual(4);
    for (const rule of serial) {
      expect(rule).toEqual(
        expect.arrayContaining([
          { key: 'ENV{ID_MM_DEVICE_IGNORE}', operator: '=', value: '1' },
          { key: 'GROUP', operator: '=', value: 'dayroom' },
          { key: 'MODE', operator: '=', value: '0660' },
        ]),
      );
      expect(value(rule, 'KERNEL')).toMatch(/^tty(ACM|USB)\*$/);
    }
  });

  it('the parser refuses what udev would refuse', () => {
    expect(() => parseRule('SUBSYSTEM=="tty", MODE=0660')).toThrow(/cannot parse/);
    expect(() => parseRule('SUBSYSTEM=="tty" MODE="0660"')).toThrow(/cannot parse/);
  });
});
