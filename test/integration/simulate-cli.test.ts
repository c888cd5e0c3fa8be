// `npm run simulate`: every wrong command line is exit 2 with one line of words; the commands reach real simulators —
// the MagTek HID simulator's socket, a badge reader's pty, and the demo's control socket that kills and restarts socat.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSerialRfidReader } from '../../hardware/drivers/serial-rfid';
import type { ReaderEvent } from '../../hardware/reader';
import { startSimulatedHidMagstripe } from '../../hardware/simulators/hid-magstripe-simulator';
import { startPtyPair } from '../../hardware/simulators/pty-pair';
import { startDemoControl } from '../../scripts/demo-control';
import { parseSimulateArgs, runSimulate, usage, UsageError } from '../../scripts/simulate-cli';
import { scans, waitUntil } from '../support/reader-events';
import { makeTempDir } from '../support/temp-dir';

let cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

function tempDir(): string {
  const dir = makeTempDir('dayroom-simcli-');
  cleanups.push(() => dir.remove());
  return dir.path;
}

async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSimulate(args, { log: (line) => out.push(line), error: (line) => err.push(line) });
  return { code, out, err };
}

describe('simulate: the command line', () => {
  it.each([
    [[], 'missing command'],
    [['shake'], 'unknown command: shake'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['scan'], 'scan: missing the text to scan'],
    [['scan', 'a', 'b'], 'unexpected arguments after scan: b'],
    [['scan', 'R100001', '--symbology', 'braille'], 'unknown symbology: braille'],
    [['scan', 'R100001', '--socket', 'x'], '--socket is not an option of scan'],
    [['swipe'], "swipe: missing the track 2 text (e.g. ';100001?')"],
    [['swipe', '100001'], "track 2 starts with ';' and ends with '?'"],
    [['swipe', ';100001?', '--track1', 'B123'], "track 1 starts with '%'"],
    [['swipe', `;${'1'.repeat(120)}?`], 'track 2 is printable ASCII of at most 110 characters'],
    [['swipe', '--raw', '!!!'], '--raw takes the report bytes in base64'],
    [['swipe', ';1?', '--raw', 'AAEC'], 'swipe --raw sends the given report bytes alone'],
    [['swipe', ';1?', '--port', 'x'], '--port is not an option of swipe'],
    [['badge'], 'badge: missing the badge'],
    [['badge', 'S42001'], 'badge: "S42001" is not facility:card or card'],
    [['badge', '21:'], 'badge: "21:" is not facility:card or card'],
    [['unplug'], 'unplug: missing which reader (magstripe, badge, scanner)'],
    [['replug', 'printer'], 'replug: unknown reader "printer"; one of magstripe, badge, scanner'],
    [['unplug', 'badge', '--half'], '--half is not an option of unplug'],
  ])('%j is refused with exit 2: %s', async (args, words) => {
    expect(() => parseSimulateArgs(args)).toThrow(UsageError);
    const { code, out, err } = await run(...args);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(words);
    expect(err[0]).not.toContain('\n');
  });

  it('--help lists every command and exits 0', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    for (const command of [
      'scan <text>',
      'swipe <track 2>',
      '--track1',
      '--half',
      '--raw',
      'badge <facility:card | card>',
      'unplug <magstripe|badge|scanner>',
      'replug',
    ]) {
      expect(out.join('\n')).toContain(command);
    }
  });

  it('reads the commands into what is sent', () => {
    expect(parseSimulateArgs(['swipe', ';100001?', '--track1', '%B1^X/Y^2501?'])).toMatchObject({
      kind: 'swipe',
      socket: join('.demo', 'magstripe.sock'),
      command: { op: 'swipe', track2: ';100001?', track1: '%B1^X/Y^2501?' },
    });
    expect(parseSimulateArgs(['swipe', '--half'])).toMatchObject({ command: { op: 'swipe', decodeError: [1, 2] } });
    expect(parseSimulateArgs(['swipe', '--raw', 'AAEC'])).toMatchObject({ command: { op: 'raw', base64: 'AAEC' } });
    expect(parseSimulateArgs(['badge', '21:100001'])).toEqual({ kind: 'badge', port: join('.demo', 'badge-host'), line: '21:100001' });
    expect(parseSimulateArgs(['badge', '0100001'])).toMatchObject({ line: '100001' });
    expect(parseSimulateArgs(['badge', '21:100001', '--hex'])).toMatchObject({ line: '15:186A1' });
    expect(parseSimulateArgs(['replug', 'scanner', '--control', '/tmp/c.sock'])).toMatchObject({
      kind: 'plug',
      op: 'replug',
      reader: 'scanner',
      control: '/tmp/c.sock',
    });
  });

  it('the real script: a wrong command line is exit 2 with one line on stderr; --help is exit 0', () => {
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', 'unplug', 'printer'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim()).toBe(
      'simulate: unplug: unknown reader "printer"; one of magstripe, badge, scanner (npm run simulate -- --help lists the commands)',
    );
    const help = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout.trim()).toBe(usage);
  });
});

// These tests start ptys, socat and the demo's control socket beside a driver, and wait on each in turn: with the whole
// suite and four busy loops on 2 cores, the badge driver once took more than 15 s to see its pty vanish. Each wait here
// has 30 s, and the test time for several of them.
const waitLong = (what: string, condition: () => boolean): Promise<void> => waitUntil(what, condition, 30_000);
describe('simulate: against running simulators', { timeout: 120_000 }, () => {
  it('with no demo running, each command says so in one line and exits 1', async () => {
    const dir = tempDir();
    const checks: [string[], string][] = [
      [
        ['swipe', ';100001?', '--socket', join(dir, 'magstripe.sock')],
        `no simulated magstripe reader at ${join(dir, 'magstripe.sock')}: is \`npm start\` running?`,
      ],
      [['unplug', 'badge', '--control', join(dir, 'control.sock')], `no demo control socket at ${join(dir, 'control.sock')}: is \`npm start\` running?`],
      [['badge', '21:100001', '--port', join(dir, 'badge-host')], `no badge reader at ${join(dir, 'badge-host')}: is \`npm start\` running?`],
      [['scan', 'R100001', '--port', join(dir, 'scanner-host')], `no scanner simulator at ${join(dir, 'scanner-host')}: is \`npm start\` running?`],
    ];
    for (const [args, words] of checks) {
      const { code, err } = await run(...args);
      expect(code).toBe(1);
      expect(err).toHaveLength(1);
      expect(err[0]).toContain(words);
    }
  });

  it('swipe, unplug and replug magstripe reach the HID simulator; a swipe nobody reads is an error, not silence', async () => {
    const socketPath = join(tempDir(), 'magstripe.sock');
    const simulator = await startSimulatedHidMagstripe({ socketPath });
    cleanups.push(() => simulator.close());
    const unread = await run('swipe', ';100001?', '--socket', socketPath);
    expect(unread).toMatchObject({ code: 1, err: ['the simulated magstripe reader is plugged in but no driver has it open yet; try again in a moment'] });
    expect(await run('unplug', 'magstripe', '--socket', socketPath)).toMatchObject({ code: 0, out: ['unplugged the magstripe reader'] });
    expect(simulator.handle({ op: 'status' })).toMatchObject({ plugged: false });
    expect((await run('swipe', '--half', '--socket', socketPath)).err).toEqual(['the simulated magstripe reader is unplugged: replug it first']);
    expect(await run('replug', 'magstripe', '--socket', socketPath)).toMatchObject({ code: 0, out: ['replugged the magstripe reader'] });
    expect(simulator.handle({ op: 'status' })).toMatchObject({ plugged: true });
  });

  it('badge writes the pcProx line to the pty; unplug and replug badge go through the demo control socket', async () => {
    const dir = tempDir();
    const badge = await startPtyPair(dir, { deviceName: 'badge-device', hostName: 'badge-host' });
    cleanups.push(() => badge.kill());
    const scanner = await startPtyPair(dir, { deviceName: 'scanner-device', hostName: 'scanner-host' });
    cleanups.push(() => scanner.kill());
    const controlSocket = join(dir, 'control.sock');
    const control = await startDemoControl(controlSocket, { badge, scanner });
    cleanups.push(() => control.close());
    const reader = createSerialRfidReader(
      { id: 'unit-b-badge', kind: 'serialRfid', path: badge.devicePath, line: { kind: 'cardId', base: 'decimal', facilityDelimiter: ':' } },
      { initialDelayMs: 20, maxDelayMs: 100 },
    );
    const events: ReaderEvent[] = [];
    reader.onEvent((event) => events.push(event));
    cleanups.push(() => reader.stop());
    await reader.start();
    await waitLong('the badge reader to connect', () => reader.health().connection === 'connected');

    expect(await run('badge', '21:100001', '--port', badge.hostPath)).toMatchObject({
      code: 0,
      out: [`sent badge line "21:100001\\r\\n" to ${badge.hostPath}`],
    });
    await waitLong('the badge read', () => scans(events).length === 1);

    expect(await run('unplug', 'badge', '--control', controlSocket)).toMatchObject({ code: 0, out: ['unplugged the badge reader'] });
    expect(existsSync(badge.devicePath)).toBe(false);
    await waitLong('the driver to see the unplug', () => reader.health().connection === 'disconnected');
    expect(await run('unplug', 'badge', '--control', controlSocket)).toMatchObject({ code: 0, out: ['unplugged the badge reader (it was already unplugged)'] });
    const whileUnplugged = await run('badge', '21:100001', '--port', badge.hostPath);
    expect(whileUnplugged.code).toBe(1);
    expect(whileUnplugged.err[0]).toContain('or is it unplugged?');

    expect(await run('replug', 'badge', '--control', controlSocket)).toMatchObject({ code: 0, out: ['replugged the badge reader'] });
    await waitLong('the driver to reopen the same path', () => reader.health().connection === 'connected');
    await run('badge', '21:100002', '--port', badge.hostPath);
    await waitLong('the read after the replug', () => scans(events).length === 2);
    expect(scans(events).map((frame) => frame.text)).toEqual(['21:100001', '21:100002']);
    expect(existsSync(scanner.devicePath)).toBe(true);
  });
});
