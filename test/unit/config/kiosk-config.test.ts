import { describe, expect, it, afterEach } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KioskConfigError, loadKioskConfig } from '../../../kiosk-config/load';
import { makeTempDir } from '../../support/temp-dir';

const dirs: Array<ReturnType<typeof makeTempDir>> = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

function writeSite(name: string, text: string): string {
  const dir = makeTempDir();
  dirs.push(dir);
  const file = join(dir.path, name);
  writeFileSync(file, text);
  return file;
}

function problemsOf(file: string) {
  try {
    loadKioskConfig(file);
  } catch (error) {
    expect(error).toBeInstanceOf(KioskConfigError);
    return (error as KioskConfigError).problems;
  }
  throw new Error('expected the file to be refused');
}

const validSite = `
site: { name: Test Site }
device: { name: Kiosk 1, mode: kiosk }
languages: { offered: [en, es], default: en }
session: { idleSeconds: 60, idleWarningSeconds: 15, maxSessionMinutes: 15 }
readers:
  - { id: s1, kind: serialScanner, path: /dev/ttyUSB0, suffix: CRLF, prefix: ESC }
credentials: { resident: { pattern: '^R(\\d{6})$' } }
`;

describe('kiosk-config', () => {
  it.each(['wall-kiosk.yaml', 'tablet.yaml'])('the example site %s is valid', (name) => {
    const config = loadKioskConfig(join('kiosk-config/examples', name));
    expect(config.languages.offered).toContain('es');
  });

  it('fills defaults and turns named framing characters into bytes', () => {
    const config = loadKioskConfig(writeSite('site.yaml', validSite));
    expect(config.pin).toEqual({ length: 4, maxAttempts: 5, lockoutBaseSeconds: 60, lockoutMaxSeconds: 3600 });
    expect(config.readers[0]).toMatchObject({ baudRate: 9600, suffix: '\r\n', prefix: '\x1b', symbologyIdentifier: false });
  });

  it('reads JSON as well as YAML', () => {
    const config = loadKioskConfig(
      writeSite(
        'site.json',
        JSON.stringify({
          site: { name: 'J' },
          device: { name: 'K', mode: 'tablet' },
          languages: { offered: ['es'], default: 'es' },
          session: { idleSeconds: 300, idleWarningSeconds: 30, maxSessionMinutes: 120 },
          credentials: { resident: { pattern: '^\\d+$' } },
        }),
      ),
    );
    expect(config.device.mode).toBe('tablet');
  });

  it('a tablet section: defaults on a tablet, its rules said in words, and refused on a kiosk', () => {
    const tabletSite = validSite.replace('mode: kiosk', 'mode: tablet');
    const config = loadKioskConfig(writeSite('site.yaml', `${tabletSite}tablet: { lockAfterDaysWithoutSync: 3, warnFromDaysWithoutSync: 1 }\n`));
    expect(config.tablet).toEqual({ maxSessionMinutes: 240, idleLockSeconds: 120, dimSeconds: 15, lockAfterDaysWithoutSync: 3, warnFromDaysWithoutSync: 1 });
    expect(
      problemsOf(
        writeSite('site.yaml', `${tabletSite}tablet: { lockAfterDaysWithoutSync: 3, warnFromDaysWithoutSync: 3, dimSeconds: 200, idleLockSeconds: 100 }\n`),
      ),
    ).toEqual(
      expect.arrayContaining([
        {
          path: 'tablet.warnFromDaysWithoutSync',
          message: 'the warnings must start before the lock: warnFromDaysWithoutSync must be fewer days than lockAfterDaysWithoutSync',
        },
        { path: 'tablet.dimSeconds', message: 'the screen must dim before it locks: dimSeconds must be shorter than idleLockSeconds' },
      ]),
    );
    expect(problemsOf(writeSite('site.yaml', `${validSite}tablet: {}\n`))).toEqual([
      { path: 'tablet', message: 'a tablet section is only for a tablet (device.mode is kiosk)' },
    ]);
  });

  it('an updates section: the key must be the 32-byte base64 update-signing-key printed, and checks at least every 5 minutes', () => {
    const key = 'S8br6HflnjjBOVQISh25F5Jsew2CFGBAfeYvuMuTZ0c=';
    expect(loadKioskConfig(writeSite('site.yaml', `${validSite}updates: { publicKey: ${key} }\n`)).updates).toEqual({ publicKey: key, checkEveryMinutes: 60 });
    expect(problemsOf(writeSite('site.yaml', `${validSite}updates: { publicKey: not-a-key, checkEveryMinutes: 1 }\n`))).toEqual([
      {
        path: 'updates.publicKey',
        message: 'the base64 of 32 bytes, as npm run hub -- update-signing-key printed it (44 characters ending in =)',
      },
      { path: 'updates.checkEveryMinutes', message: 'Too small: expected number to be >=5' },
    ]);
  });

  it('a wrong type names the file, the field path and what is wrong', () => {
    const file = writeSite('site.yaml', validSite.replace('idleSeconds: 60', 'idleSeconds: sixty'));
    expect(problemsOf(file)).toEqual([{ path: 'session.idleSeconds', message: 'expected number' }]);
    expect(() => loadKioskConfig(file)).toThrow(`The site file ${file} is not valid:\n  session.idleSeconds: expected number`);
  });

  it('names fields inside lists, missing fields and unknown fields', () => {
    const file = writeSite(
      'site.yaml',
      validSite.replace('suffix: CRLF', 'suffix: CRLF, baudrate: 9600').replace('device: { name: Kiosk 1, mode: kiosk }', 'device: { mode: kiosk }'),
    );
    expect(problemsOf(file)).toEqual(
      expect.arrayContaining([
        { path: 'device.name', message: 'expected string, but it is missing' },
        { path: 'readers.0', message: 'unknown field baudrate' },
      ]),
    );
  });

  it('checks rules between fields and inside strings', () => {
    const file = writeSite(
      'site.yaml',
      validSite
        .replace('default: en', 'default: es')
        .replace('offered: [en, es]', 'offered: [en]')
        .replace("'^R(\\d{6})$'", () => "'^R(\\d{6}$'")
        .replace('idleWarningSeconds: 15', 'idleWarningSeconds: 90'),
    );
    const problems = problemsOf(file);
    // A single rule is a list of one, so its fields are named as the first of the list.
    expect(problems.map((problem) => problem.path).sort()).toEqual(['credentials.resident.0.pattern', 'languages.default', 'session.idleWarningSeconds']);
    expect(problems.find((problem) => problem.path === 'credentials.resident.0.pattern')?.message).toMatch(/not a valid regular expression/);
  });

  it('takes a serial RFID badge reader and a HID magstripe reader, with their defaults', () => {
    const config = loadKioskConfig(
      writeSite(
        'site.yaml',
        validSite.replace(
          'readers:\n',
          "readers:\n  - { id: badge, kind: serialRfid, path: /dev/serial/by-id/usb-rfid }\n  - { id: raw, kind: serialRfid, path: /dev/ttyUSB1, line: { kind: rawWiegand, bitCount: { delimiter: ':' } } }\n  - { id: swipe, kind: hidMagstripe, productId: 2 }\n",
        ),
      ),
    );
    expect(config.readers.slice(0, 3)).toEqual([
      {
        id: 'badge',
        kind: 'serialRfid',
        path: '/dev/serial/by-id/usb-rfid',
        baudRate: 9600,
        line: { kind: 'cardId', base: 'decimal', facilityDelimiter: ':' },
      },
      {
        id: 'raw',
        kind: 'serialRfid',
        path: '/dev/ttyUSB1',
        baudRate: 9600,
        line: { kind: 'rawWiegand', bitCount: { delimiter: ':' }, formats: ['H10301', 'H10304', 'Corporate1000'] },
      },
      { id: 'swipe', kind: 'hidMagstripe', vendorId: 0x0801, productId: 2, track: 2, content: 'accountNumber' },
    ]);
  });

  it('refuses, by field, a badge line format its reader could not read and a magstripe track that does not exist', () => {
    const file = writeSite(
      'site.yaml',
      validSite.replace(
        'readers:\n',
        "readers:\n  - { id: badge, kind: serialRfid, path: /dev/ttyUSB1, line: { kind: cardId, base: hex, facilityDelimiter: 'A' } }\n  - { id: swipe, kind: hidMagstripe, track: 3 }\n",
      ),
    );
    const problems = problemsOf(file);
    expect(problems.map((problem) => problem.path).sort()).toEqual(['readers.0.line', 'readers.1.track']);
    expect(problems.find((problem) => problem.path === 'readers.0.line')?.message).toMatch(/facilityDelimiter/);
  });

  it('says when the file is missing or is not YAML', () => {
    expect(problemsOf('/nonexistent/site.yaml')).toEqual([{ path: '', message: 'cannot be read (ENOENT)' }]);
    expect(problemsOf(writeSite('site.yaml', 'site: [unclosed'))[0]?.message).toMatch(/is not valid YAML at line 1/);
  });
});
