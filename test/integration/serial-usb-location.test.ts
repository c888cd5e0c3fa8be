// Serial readers found by USB vendor/product id instead of a fixed path. The ports are real pseudo-terminals (socat);
// only the port list is handed in, because a pty has no USB ids and this machine has no USB serial devices. The real
// SerialPort.list() (udev) runs in the last test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CredentialReader, ReaderEvent } from '../../hardware/reader';
import { createSerialRfidReader } from '../../hardware/drivers/serial-rfid';
import { findUsbSerialPort, type ListedSerialPort } from '../../hardware/drivers/serial-line-port';
import { startPtyPair, type PtyPair } from '../../hardware/simulators/pty-pair';
import { KioskConfig } from '../../kiosk-config/schema';
import { scans, waitUntil, readerTestTimeoutMs } from '../support/reader-events';

// Real ptys: each wait may take up to readerWaitTimeoutMs on a loaded machine.
vi.setConfig({ testTimeout: readerTestTimeoutMs });

// RF IDeas' vendor id, one of its pcProx product ids.
const usb = { vendorId: 0x0c27, productId: 0x3bfa };

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function ptyIn(dir: string, name: string): Promise<PtyPair> {
  const pty = await startPtyPair(dir, { deviceName: `${name}-device`, hostName: `${name}-host` });
  cleanups.push(() => pty.kill());
  return pty;
}

function startReader(listPorts: () => Promise<readonly ListedSerialPort[]>): { reader: CredentialReader; events: ReaderEvent[] } {
  const reader = createSerialRfidReader(
    { id: 'badge', kind: 'serialRfid', usb, line: { kind: 'cardId', base: 'decimal', facilityDelimiter: ':' } },
    { initialDelayMs: 20, maxDelayMs: 100, listPorts },
  );
  cleanups.push(() => reader.stop());
  const events: ReaderEvent[] = [];
  reader.onEvent((event) => events.push(event));
  return { reader, events };
}

describe('serial readers found by USB id', () => {
  it('picks the port with matching ids, whatever case the list writes hex in, and tells readers apart by serial number', () => {
    const ports: ListedSerialPort[] = [
      { path: '/dev/ttyUSB0', vendorId: '0403', productId: '6001' },
      { path: '/dev/ttyACM0', vendorId: '0C27', productId: '3BFA', serialNumber: 'A1' },
      { path: '/dev/ttyACM1', vendorId: '0c27', productId: '3bfa', serialNumber: 'B2' },
      { path: '/dev/ttyS0' },
    ];
    expect(findUsbSerialPort(ports, usb)?.path).toBe('/dev/ttyACM0');
    expect(findUsbSerialPort(ports, { ...usb, serialNumber: 'B2' })?.path).toBe('/dev/ttyACM1');
    expect(findUsbSerialPort(ports, { ...usb, serialNumber: 'C3' })).toBeNull();
    expect(findUsbSerialPort(ports, { vendorId: 0x0801, productId: 0x0011 })).toBeNull();
  });

  it('opens the listed port, says in words while it is unplugged, and finds it again in another socket', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dayroom-serial-usb-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const first = await ptyIn(dir, 'first');
    let listed: ListedSerialPort[] = [{ path: first.devicePath, vendorId: '0c27', productId: '3bfa' }];
    const { reader, events } = startReader(async () => listed);
    await reader.start();
    await waitUntil('the reader to connect', () => reader.health().connection === 'connected');
    await first.write('42:11111\r\n');
    await waitUntil('the first read', () => scans(events).length === 1);

    // Unplugged: the device goes and the list no longer has it.
    listed = [];
    await first.kill();
    await waitUntil('the reader to notice', () => reader.health().connection === 'disconnected');
    await waitUntil('the lookup to fail', () => reader.health().problem?.includes('is plugged in') === true);
    expect(reader.health().problem).toBe('Cannot reach the reader at USB 0c27:3bfa: no serial device with USB 0c27:3bfa is plugged in');

    // Plugged into another socket: a new path with the same ids.
    const second = await ptyIn(dir, 'second');
    listed = [{ path: second.devicePath, vendorId: '0C27', productId: '3BFA' }];
    await waitUntil('the reader to reconnect', () => reader.health().connection === 'connected');
    await second.write('42:22222\r\n');
    await waitUntil('the read after the move', () => scans(events).length === 2);
    expect(scans(events).map((frame) => frame.text)).toEqual(['42:11111', '42:22222']);
    expect(reader.health()).toMatchObject({ goodReads: 2, badReads: 0, problem: null });
  });

  it('a port list that fails is a worded problem and the reader keeps looking', async () => {
    let failing = true;
    const dir = mkdtempSync(path.join(tmpdir(), 'dayroom-serial-usb-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const pty = await ptyIn(dir, 'only');
    const { reader } = startReader(async () => {
      if (failing) throw new Error('udevadm: command not found');
      return [{ path: pty.devicePath, vendorId: '0c27', productId: '3bfa' }];
    });
    await reader.start();
    expect(reader.health()).toMatchObject({
      connection: 'disconnected',
      problem: expect.stringContaining('cannot list serial ports: udevadm: command not found'),
    });
    failing = false;
    await waitUntil('the reader to connect once the list works', () => reader.health().connection === 'connected');
  });

  it('with the real port list (udev), an absent reader is "not plugged in", not a crash', async () => {
    const reader = createSerialRfidReader(
      { id: 'badge', kind: 'serialRfid', usb: { vendorId: 0x0c27, productId: 0xfffe }, line: { kind: 'cardId', base: 'decimal', facilityDelimiter: ':' } },
      { initialDelayMs: 1000, maxDelayMs: 1000 },
    );
    cleanups.push(() => reader.stop());
    await reader.start();
    expect(reader.health()).toMatchObject({
      connection: 'disconnected',
      problem: 'Cannot reach the reader at USB 0c27:fffe: no serial device with USB 0c27:fffe is plugged in',
    });
  });

  it('the site file takes a path or USB ids, and says so when it gets both or neither', () => {
    const site = (reader: Record<string, unknown>) => ({
      site: { name: 'Riverbend' },
      device: { name: 'Kiosk 1', mode: 'kiosk' },
      languages: { offered: ['en'], default: 'en' },
      session: { idleSeconds: 60, idleWarningSeconds: 15, maxSessionMinutes: 15 },
      readers: [{ id: 'badge', kind: 'serialRfid', ...reader }],
      credentials: { resident: { pattern: '42:(\\d+)', formats: ['rfid'] } },
    });
    const byUsb = KioskConfig.parse(site({ usb: { vendorId: 0x0c27, productId: 0x3bfa } }));
    expect(byUsb.readers[0]).toMatchObject({ usb: { vendorId: 0x0c27, productId: 0x3bfa } });
    for (const location of [{}, { path: '/dev/ttyACM0', usb }]) {
      const result = KioskConfig.safeParse(site(location));
      expect(result.success).toBe(false);
      expect(result.error?.issues).toEqual([
        expect.objectContaining({ path: ['readers', 0, 'path'], message: 'give either a path or usb ids (vendorId, productId), not both and not neither' }),
      ]);
    }
  });
});
