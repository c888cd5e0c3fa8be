// The serial RFID badge reader driver against real pseudo-terminals (socat): the real serialport binding,
// the kernel's tty layer, and a device that really disappears when socat is killed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReaderEvent } from '../../hardware/reader';
import type { CredentialReader } from '../../hardware/reader';
import { createSerialRfidReader, type SerialRfidConfig } from '../../hardware/drivers/serial-rfid';
import type { PcProxLineOptions } from '../../hardware/parsers/pcprox';
import { badgeBytes, presentBadge } from '../../hardware/simulators/serial-rfid-simulator';
import { startPtyPair, type PtyPair } from '../../hardware/simulators/pty-pair';
import { pause, rejections, scans, waitUntil, readerTestTimeoutMs } from '../support/reader-events';

// Real ptys: each wait may take up to readerWaitTimeoutMs on a loaded machine.
vi.setConfig({ testTimeout: readerTestTimeoutMs });

const readerId = 'unit-b-badge';
// A line quiet this long ends a partial line; tests pause longer than this to make a quiet line.
const staleFrameMs = 200;

const decimalWithFacility: PcProxLineOptions = { kind: 'cardId', base: 'decimal', facilityDelimiter: ':' };
const rawWiegand26: PcProxLineOptions = { kind: 'rawWiegand', bitCount: { delimiter: ':' }, formats: ['H10301'] };

interface Harness {
  readonly pty: PtyPair;
  readonly reader: CredentialReader;
  readonly events: ReaderEvent[];
}

let cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

const texts = (events: readonly ReaderEvent[]): string[] => scans(events).map((frame) => frame.text);

async function startReader(line: PcProxLineOptions = decimalWithFacility): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dayroom-serial-rfid-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const pty = await startPtyPair(dir);
  cleanups.push(() => pty.kill());
  const config: SerialRfidConfig = { id: readerId, kind: 'serialRfid', path: pty.devicePath, line };
  const reader = createSerialRfidReader(config, { initialDelayMs: 20, maxDelayMs: 200, staleFrameMs });
  cleanups.push(() => reader.stop());
  const events: ReaderEvent[] = [];
  reader.onEvent((event) => events.push(event));
  await reader.start();
  await waitUntil('the reader to connect', () => reader.health().connection === 'connected');
  return { pty, reader, events };
}

describe('serial RFID reader on a pty', () => {
  it('reads a decimal badge line as facility code and card number', async () => {
    const { pty, reader, events } = await startReader();
    await pty.write('42:12345\r\n');
    await waitUntil('a read', () => scans(events).length === 1);
    expect(scans(events)).toEqual([{ readerId, text: '42:12345', symbology: null, format: 'rfid' }]);
    expect(rejections(events)).toEqual([]);
    expect(reader.health()).toMatchObject({ readerId, kind: 'serialRfid', goodReads: 1, badReads: 0, connection: 'connected' });
    expect(reader.health().lastEventAt).not.toBeNull();
  });

  it('reads hex lines and normalizes them to decimal, with CR, LF and CR LF line ends', async () => {
    const line: PcProxLineOptions = { kind: 'cardId', base: 'hex', facilityDelimiter: ',' };
    const { pty, events } = await startReader(line);
    await pty.write('2A,3039\r');
    await pty.write('2a,ff\n');
    await presentBadge(pty.hostPath, { kind: 'cardId', facilityCode: 7, cardId: 0xabcdefn }, { line });
    await waitUntil('three reads', () => scans(events).length === 3);
    expect(texts(events)).toEqual(['42:12345', '42:255', `7:${0xabcdef}`]);
    expect(rejections(events)).toEqual([]);
  });

  it('reads a card id sent without a facility code, including a 64-bit serial number', async () => {
    const line: PcProxLineOptions = { kind: 'cardId', base: 'decimal', facilityDelimiter: null };
    const { pty, events } = await startReader(line);
    await pty.write('0012345\r\n');
    await presentBadge(pty.hostPath, { kind: 'cardId', facilityCode: null, cardId: 18446744073709551615n }, { line, lineEnding: '\r' });
    await waitUntil('two reads', () => scans(events).length === 2);
    expect(texts(events)).toEqual(['12345', '18446744073709551615']);
  });

  it('decodes a raw H10301 line (docs/readers.md §13 vector FC 123, CN 4567 = 0x2F623AE) and a simulated one', async () => {
    const { pty, reader, events } = await startReader(rawWiegand26);
    await pty.write('26:2F623AE\r\n');
    const sent = await presentBadge(
      pty.hostPath,
      { kind: 'wiegand', credential: { format: 'H10301', facilityCode: 101, cardNumber: 4095 } },
      { line: rawWiegand26 },
    );
    await waitUntil('two reads', () => scans(events).length === 2);
    // The simulator encodes with parity: the Allegion vector of docs/readers.md §13 for FC 101, CN 4095.
    expect(sent.toString('latin1')).toBe('26:CA1FFF\r\n');
    expect(texts(events)).toEqual(['123:4567', '101:4095']);
    expect(reader.health()).toMatchObject({ goodReads: 2, badReads: 0, problem: null });
  });

  it('rejects a raw Wiegand line with a parity error or an unconfigured length, then reads the next badge', async () => {
    const { pty, reader, events } = await startReader(rawWiegand26);
    // 0x2F623AF: the vector above with its last (odd parity) bit flipped.
    await pty.write('26:2F623AF\r\n');
    await pty.write('37:1000100002\r\n');
    await waitUntil('two rejections', () => rejections(events).length === 2);
    await pty.write('26:2F623AE\r\n');
    await waitUntil('a read', () => scans(events).length === 1);
    expect(texts(events)).toEqual(['123:4567']);
    expect(reader.health().badReadsByReason).toEqual({ parityError: 1, unsupportedWiegandLength: 1 });
    expect(reader.health()).toMatchObject({ goodReads: 1, badReads: 2 });
  });

  it('rejects and counts binary garbage and lines that are not badges, then reads the next badge', async () => {
    const { pty, reader, events } = await startReader();
    const controlBytes = Array.from({ length: 0x20 }, (_, byte) => byte).filter((byte) => byte !== 0x0d && byte !== 0x0a);
    await pty.write(Buffer.from([...controlBytes, 0x80, 0xfe, 0xff, 0x0d, 0x0a]));
    await pty.write('hello:world\r\n');
    await pty.write('4212345\r\n');
    await pty.write('\r\n');
    await waitUntil('four rejections', () => rejections(events).length === 4);
    await pty.write('42:12345\r\n');
    await waitUntil('a read', () => scans(events).length === 1);
    expect(rejections(events)).toEqual(['unprintable', 'invalidDigits', 'missingDelimiter', 'emptyFrame']);
    expect(reader.health().badReadsByReason).toEqual({ unprintable: 1, invalidDigits: 1, missingDelimiter: 1, emptyFrame: 1 });
    expect(texts(events)).toEqual(['42:12345']);
    expect(reader.health()).toMatchObject({ goodReads: 1, badReads: 4 });
  });

  it('rejects a 10 KB run without a line end once, then reads the next badge', async () => {
    const { pty, reader, events } = await startReader();
    await pty.write(Buffer.alloc(10 * 1024, '7'));
    await waitUntil('an oversize rejection', () => rejections(events).length === 1);
    await pause(staleFrameMs * 3);
    await pty.write('42:12345\r\n');
    await waitUntil('a read', () => scans(events).length === 1);
    expect(rejections(events)).toEqual(['oversizeFrame']);
    expect(reader.health().badReadsByReason).toEqual({ oversizeFrame: 1 });
    expect(texts(events)).toEqual(['42:12345']);
    expect(reader.health()).toMatchObject({ goodReads: 1, badReads: 1 });
  });

  it('reads a line split across writes, and a CR LF split between CR and LF as one line end', async () => {
    const { pty, events } = await startReader();
    await pty.write('42:123');
    // Give the first half time to reach the driver on its own; it must wait for the rest.
    await pause(50);
    expect(scans(events)).toEqual([]);
    await pty.write('45\r');
    await waitUntil('a read', () => scans(events).length === 1);
    await pause(50);
    // The LF of that CR LF arrives alone: it must not end a second, empty line.
    await pty.write('\n');
    const [first, second] = [badgeBytes({ kind: 'cardId', facilityCode: 43, cardId: 1 }, { line: decimalWithFacility }), Buffer.from('43:2\r\n')];
    await pty.write(Buffer.concat([first, second]));
    await waitUntil('three reads', () => scans(events).length === 3);
    expect(texts(events)).toEqual(['42:12345', '43:1', '43:2']);
    expect(rejections(events)).toEqual([]);
  });

  it('reconnects by itself when the port goes away and comes back', async () => {
    const { pty, reader, events } = await startReader();
    await pty.write('42:11111\r\n');
    await waitUntil('the first read', () => scans(events).length === 1);

    await pty.kill();
    await waitUntil('the reader to notice the port is gone', () => reader.health().connection === 'disconnected');
    // Let it fail a few reopen attempts while the path is missing.
    await pause(100);
    expect(reader.health()).toMatchObject({ connection: 'disconnected', problem: expect.stringContaining(`Cannot reach the reader at ${pty.devicePath}`) });

    await pty.restart();
    await waitUntil('the reader to reconnect', () => reader.health().connection === 'connected');
    await pty.write('42:22222\r\n');
    await waitUntil('the read after the reconnect', () => scans(events).length === 2);

    expect(texts(events)).toEqual(['42:11111', '42:22222']);
    const connectionStates = events.flatMap((event) => (event.type === 'connection' ? [event.state] : []));
    expect(connectionStates).toEqual(['connecting', 'connected', 'disconnected', 'connected']);
    expect(reader.health()).toMatchObject({ goodReads: 2, badReads: 0 });
  });

  it('stops: closes the port, reports disconnected once, and reads nothing more', async () => {
    const { pty, reader, events } = await startReader();
    await pty.write('42:12345\r\n');
    await waitUntil('a read', () => scans(events).length === 1);

    await reader.stop();
    await reader.stop();
    expect(reader.health().connection).toBe('disconnected');
    const lastConnection = events.filter((event) => event.type === 'connection').at(-1);
    expect(lastConnection).toEqual({ type: 'connection', readerId, state: 'disconnected', detail: 'stopped' });

    await pty.write('42:99999\r\n');
    // Nothing may arrive: wait well past a reopen delay to be sure no retry opened the port again.
    await pause(300);
    expect(texts(events)).toEqual(['42:12345']);
    expect(events.filter((event) => event.type === 'connection')).toHaveLength(3);
  });

  it('never puts card data in connection details, health or rejection counts', async () => {
    const { pty, reader, events } = await startReader();
    await pty.write('42:31337\r\n');
    await pty.write('42:3133x\r\n');
    await waitUntil('a read and a rejection', () => scans(events).length === 1 && rejections(events).length === 1);
    await pty.kill();
    await waitUntil('the reader to notice the port is gone', () => reader.health().connection === 'disconnected');
    const outsideScans = JSON.stringify([events.filter((event) => event.type !== 'scan'), reader.health(), reader.health().badReadsByReason]);
    expect(outsideScans).not.toMatch(/3133/);
  });
});
