// The serial scanner driver against real pseudo-terminals (socat): the real serialport binding, the
// kernel's tty layer, and a device that really disappears when socat is killed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SerialScannerReader } from '../../hardware/reader-config';
import type { CredentialReader, ReaderEvent } from '../../hardware/reader';
import { createSerialScanner, type SerialScannerConfig } from '../../hardware/drivers/serial-scanner';
import { simulateScan } from '../../hardware/simulators/serial-scanner-simulator';
import { startPtyPair, type PtyPair } from '../../hardware/simulators/pty-pair';
import { pause, rejections, scans, waitUntil, readerTestTimeoutMs } from '../support/reader-events';

// Real ptys: each wait may take up to readerWaitTimeoutMs on a loaded machine.
vi.setConfig({ testTimeout: readerTestTimeoutMs });

const readerId = 'unit-b-scanner';
// A line quiet this long ends a partial frame; tests pause longer than this to make a quiet line.
const staleFrameMs = 200;

interface Harness {
  readonly pty: PtyPair;
  readonly scanner: CredentialReader;
  readonly events: ReaderEvent[];
}

let cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function startScanner(settings: Partial<SerialScannerConfig> = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dayroom-serial-scanner-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const pty = await startPtyPair(dir);
  cleanups.push(() => pty.kill());
  const config = SerialScannerReader.parse({ id: readerId, kind: 'serialScanner', path: pty.devicePath, ...settings });
  const scanner = createSerialScanner(config, { initialDelayMs: 20, maxDelayMs: 200, staleFrameMs });
  cleanups.push(() => scanner.stop());
  const events: ReaderEvent[] = [];
  scanner.onEvent((event) => events.push(event));
  await scanner.start();
  await waitUntil('the scanner to connect', () => scanner.health().connection === 'connected');
  return { pty, scanner, events };
}

describe('serial scanner on a pty', () => {
  it('reads a scan ending in CR', async () => {
    const { pty, scanner, events } = await startScanner();
    await pty.write('R123456\r');
    await waitUntil('a scan', () => scans(events).length === 1);
    expect(scans(events)).toEqual([{ readerId, text: 'R123456', symbology: null, format: 'barcode' }]);
    expect(scanner.health()).toMatchObject({ goodReads: 1, badReads: 0, connection: 'connected' });
    expect(scanner.health().lastEventAt).not.toBeNull();
  });

  it('reads a scan whose CR LF arrives in two writes', async () => {
    const { pty, events } = await startScanner({ suffix: '\r\n' });
    await pty.write('R123456\r');
    // Give the first half time to reach the driver on its own; a CR alone must not end the frame.
    await pause(50);
    expect(scans(events)).toEqual([]);
    await pty.write('\n');
    await waitUntil('a scan', () => scans(events).length === 1);
    expect(scans(events).map((frame) => frame.text)).toEqual(['R123456']);
    expect(rejections(events)).toEqual([]);
  });

  it('strips an AIM identifier and reports the symbology', async () => {
    const { pty, events } = await startScanner({ symbologyIdentifier: true });
    await simulateScan(pty.hostPath, 'R123456', { symbology: 'code39' });
    await waitUntil('a scan', () => scans(events).length === 1);
    expect(scans(events)).toEqual([{ readerId, text: 'R123456', symbology: 'code39', format: 'barcode' }]);
  });

  it('rejects and counts binary garbage, then reads the next scan', async () => {
    const { pty, scanner, events } = await startScanner();
    const controlBytes = Array.from({ length: 0x20 }, (_, byte) => byte).filter((byte) => byte !== 0x0d);
    await pty.write(Buffer.from([...controlBytes, 0x80, 0xfe, 0xff, 0x0d]));
    await waitUntil('a rejection', () => rejections(events).length === 1);
    await pty.write('R123456\r');
    await waitUntil('a scan', () => scans(events).length === 1);
    expect(rejections(events)).toEqual(['unprintable']);
    expect(scans(events).map((frame) => frame.text)).toEqual(['R123456']);
    expect(scanner.health()).toMatchObject({ goodReads: 1, badReads: 1 });
  });

  it('rejects a 10 KB run without a suffix as oversize, then reads the next scan', async () => {
    const { pty, scanner, events } = await startScanner();
    await pty.write(Buffer.alloc(10 * 1024, 'x'));
    await waitUntil('an oversize rejection', () => rejections(events).length >= 1);
    await pause(staleFrameMs * 3);
    await pty.write('R123456\r');
    await waitUntil('a scan', () => scans(events).length === 1);
    // One rejection per run of bytes: on a quiet machine the 10 KB is one run; on a loaded one the pty can deliver it in
    // pieces more than staleFrameMs apart, and each piece after such a gap is a new run (the port drops a stale partial
    // frame) that is too long again. Either way nothing of it is read as a scan, and every rejection is counted.
    const rejected = rejections(events);
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(new Set(rejected)).toEqual(new Set(['oversizeFrame']));
    expect(scans(events).map((frame) => frame.text)).toEqual(['R123456']);
    expect(scanner.health()).toMatchObject({ goodReads: 1, badReads: rejected.length });
  });

  it('reconnects by itself when the port goes away and comes back', async () => {
    const { pty, scanner, events } = await startScanner();
    await pty.write('R111111\r');
    await waitUntil('the first scan', () => scans(events).length === 1);

    await pty.kill();
    await waitUntil('the scanner to notice the port is gone', () => scanner.health().connection === 'disconnected');
    // Let it fail a few reopen attempts while the path is missing.
    await pause(100);
    expect(scanner.health().connection).toBe('disconnected');

    await pty.restart();
    await waitUntil('the scanner to reconnect', () => scanner.health().connection === 'connected');
    await pty.write('R222222\r');
    await waitUntil('the scan after the reconnect', () => scans(events).length === 2);

    expect(scans(events).map((frame) => frame.text)).toEqual(['R111111', 'R222222']);
    const connectionStates = events.flatMap((event) => (event.type === 'connection' ? [event.state] : []));
    expect(connectionStates).toEqual(['connecting', 'connected', 'disconnected', 'connected']);
    expect(scanner.health()).toMatchObject({ goodReads: 2, badReads: 0 });
  });
});
