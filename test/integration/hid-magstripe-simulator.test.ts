// The simulated MagTek HID reader over its real Unix socket, read by the real hid-magstripe driver: the protocol's
// refusals (bad JSON, unknown op, bad fields, an overlong line) never stop it, and an unplug and replug look to the
// driver as they would with node-hid: a read error and a disconnect, then a reopen, then swipes read again.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHidMagstripeReader, type HidMagstripeReader } from '../../hardware/drivers/hid-magstripe';
import type { ReaderEvent } from '../../hardware/reader';
import { sendLineCommand, LineSocketUnavailableError } from '../../hardware/simulators/line-socket';
import {
  sendHidSimulatorCommand,
  simulatedHidPath,
  startSimulatedHidMagstripe,
  swipeReport,
  unpluggedReadError,
  type SimulatedHidMagstripe,
} from '../../hardware/simulators/hid-magstripe-simulator';
import { parseMagtekReport } from '../../hardware/parsers/magtek-hid-report';
import { makeTempDir } from '../support/temp-dir';
import { rejections, scans, waitUntil, readerTestTimeoutMs } from '../support/reader-events';

// Real ptys: each wait may take up to readerWaitTimeoutMs on a loaded machine.
vi.setConfig({ testTimeout: readerTestTimeoutMs });

let cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

function tempDir(): string {
  const dir = makeTempDir('dayroom-hidsim-');
  cleanups.push(() => dir.remove());
  return dir.path;
}

async function startSimulator(plugged = true): Promise<{ simulator: SimulatedHidMagstripe; socketPath: string }> {
  const socketPath = join(tempDir(), 'magstripe.sock');
  const simulator = await startSimulatedHidMagstripe({ socketPath, plugged });
  cleanups.push(() => simulator.close());
  return { simulator, socketPath };
}

async function startReader(simulator: SimulatedHidMagstripe): Promise<{ reader: HidMagstripeReader; events: ReaderEvent[] }> {
  // trackData, as the demo site reads ID cards that carry the booking number alone (;100001?).
  const reader = createHidMagstripeReader(
    { id: 'unit-b-swipe', kind: 'hidMagstripe', track: 2, content: 'trackData' },
    { hid: simulator.loader, initialDelayMs: 20, maxDelayMs: 100 },
  );
  const events: ReaderEvent[] = [];
  reader.onEvent((event) => events.push(event));
  cleanups.push(() => reader.stop());
  await reader.start();
  return { reader, events };
}

/** A swipe is lost until node-hid's read loop runs, a tick after the driver opens the device: wait for a reading handle. */
async function waitForReadingDevice(socketPath: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answer = await sendHidSimulatorCommand(socketPath, { op: 'status' });
    if (answer.ok && answer['openDevices'] === 1) return;
    if (Date.now() > deadline) throw new Error(`the driver never opened the simulated reader: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Swipes until one is delivered: right after an open the read loop may not have started yet. */
async function swipe(socketPath: string, track2: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answer = await sendHidSimulatorCommand(socketPath, { op: 'swipe', track2 });
    if (answer.ok) return;
    if (Date.now() > deadline) throw new Error(`the swipe was never delivered: ${answer.error}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends raw lines on one connection and collects the answer lines, to see the server answer in order and carry on. */
function exchange(socketPath: string, payload: string, answers: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const lines = text.split('\n').filter((line) => line !== '');
      if (lines.length >= answers) {
        socket.destroy();
        resolve(lines);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text.split('\n').filter((line) => line !== '')));
    socket.write(payload);
  });
}

describe('simulated HID magstripe reader: socket protocol', () => {
  it('answers bad JSON, unknown ops and bad fields with an error line, in order, and keeps serving', async () => {
    const { socketPath } = await startSimulator();
    const lines = await exchange(
      socketPath,
      [
        '{not json',
        '{"op":"shake"}',
        '"swipe"',
        '{"op":"swipe","track2":12}',
        '{"op":"swipe","track2":";1?","extra":1}',
        '{"op":"raw","base64":"***"}',
        '{"op":"status"}',
        '',
      ].join('\n'),
      7,
    );
    const answers = lines.map((line) => JSON.parse(line) as { ok: boolean; error?: string });
    expect(answers.map((answer) => answer.ok)).toEqual([false, false, false, false, false, false, true]);
    expect(answers[0]?.error).toMatch(/not a JSON command/);
    expect(answers[1]?.error).toBe('unknown command "shake": "op" is one of swipe, raw, unplug, replug, status');
    expect(answers[2]?.error).toMatch(/^unknown command null/);
    expect(answers[3]?.error).toMatch(/^bad swipe command: track2: /);
    expect(answers[4]?.error).toMatch(/^bad swipe command: .*extra/);
    expect(answers[5]?.error).toMatch(/^bad raw command: base64/);
    expect(JSON.parse(lines[6] ?? '')).toEqual({ ok: true, plugged: true, openDevices: 0 });
  });

  it('ends a connection that sends an overlong line, and the next client is served', async () => {
    const { socketPath } = await startSimulator();
    const lines = await exchange(socketPath, 'x'.repeat(70 * 1024), 1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({ ok: false, error: 'a command line is at most 65536 bytes' });
    expect(await sendLineCommand(socketPath, { op: 'status' })).toMatchObject({ ok: true });
  });

  it('lists the reader only while it is plugged in', async () => {
    const { simulator } = await startSimulator(false);
    const api = await simulator.loader();
    expect(await api.devicesAsync()).toEqual([]);
    await expect(api.HIDAsync.open(simulatedHidPath)).rejects.toThrow(/cannot open device/);
    expect(simulator.handle({ op: 'replug' })).toEqual({ ok: true, plugged: true, openDevices: 0 });
    expect(await api.devicesAsync()).toEqual([expect.objectContaining({ vendorId: 0x0801, usagePage: 0xff00, path: simulatedHidPath })]);
  });

  it('builds real MagTek reports: the 337-byte report, tracks at their field offsets, decode errors in the status bytes', () => {
    const report = swipeReport({ op: 'swipe', track1: '%B1^X/Y^2501?', track2: ';100001?', decodeError: [], cardEncodeType: 'isoAba' });
    expect(report).toHaveLength(337);
    expect([...report.subarray(0, 7)]).toEqual([0, 0, 0, 13, 8, 0, 0]);
    expect(report.subarray(7 + 110, 7 + 110 + 8).toString('latin1')).toBe(';100001?');
    const half = parseMagtekReport(swipeReport({ op: 'swipe', track2: ';100001?', decodeError: [1, 2], cardEncodeType: 'isoAba' }));
    expect(half.ok && half.value.tracks.map((track) => track.status)).toEqual(['decodeError', 'decodeError', 'empty']);
  });

  it('takes over a socket file left by a killed process, and refuses one another process serves', async () => {
    const socketPath = join(tempDir(), 'magstripe.sock');
    // socat listening on the path, then SIGKILLed: the socket file stays, with nobody behind it.
    const socat = spawn('socat', [`UNIX-LISTEN:${socketPath},fork`, 'SYSTEM:true'], { stdio: 'ignore' });
    await waitUntil('socat to create the socket', () => existsSync(socketPath));
    const exited = new Promise((resolve) => socat.once('exit', resolve));
    socat.kill('SIGKILL');
    await exited;
    expect(lstatSync(socketPath).isSocket()).toBe(true);

    const simulator = await startSimulatedHidMagstripe({ socketPath });
    cleanups.push(() => simulator.close());
    expect(await sendHidSimulatorCommand(socketPath, { op: 'status' })).toMatchObject({ ok: true });
    await expect(startSimulatedHidMagstripe({ socketPath })).rejects.toThrow(/already serving/);

    const plainFile = join(tempDir(), 'not-a-socket');
    writeFileSync(plainFile, 'keep me');
    await expect(startSimulatedHidMagstripe({ socketPath: plainFile })).rejects.toThrow(/not a socket/);
  });

  it('a client finds no simulator with a typed error, and the socket file goes with close()', async () => {
    const { simulator, socketPath } = await startSimulator();
    await simulator.close();
    expect(existsSync(socketPath)).toBe(false);
    await expect(sendHidSimulatorCommand(socketPath, { op: 'status' })).rejects.toBeInstanceOf(LineSocketUnavailableError);
  });
});

describe('simulated HID magstripe reader: read by the real driver', () => {
  it('swipes read; a half swipe and garbage are rejected; unplug disconnects, replug reconnects, and a swipe reads again', async () => {
    const { simulator, socketPath } = await startSimulator();
    const { reader, events } = await startReader(simulator);
    await waitForReadingDevice(socketPath);
    expect(reader.health().connection).toBe('connected');

    await swipe(socketPath, ';100001?');
    expect(await sendHidSimulatorCommand(socketPath, { op: 'swipe', track2: ';100001?', decodeError: [2] })).toMatchObject({ ok: true, delivered: 1 });
    expect(await sendHidSimulatorCommand(socketPath, { op: 'raw', base64: Buffer.from([0, 0, 0, 1, 2]).toString('base64') })).toMatchObject({
      ok: true,
      delivered: 1,
    });
    await waitUntil('one scan and two rejections', () => scans(events).length === 1 && rejections(events).length === 2);
    expect(scans(events).map((frame) => frame.text)).toEqual(['100001']);
    expect(reader.health().badReadsByReason).toMatchObject({ decodeError: 1, reportTooShort: 1 });

    expect(await sendHidSimulatorCommand(socketPath, { op: 'unplug' })).toEqual({ ok: true, plugged: false, openDevices: 0 });
    await waitUntil('the driver to see the unplug', () => reader.health().connection === 'disconnected');
    expect(events).toContainEqual({
      type: 'connection',
      readerId: 'unit-b-swipe',
      state: 'disconnected',
      detail: `The card reader stopped responding (unplugged?): ${unpluggedReadError}`,
    });
    expect(await sendHidSimulatorCommand(socketPath, { op: 'swipe', track2: ';100001?' })).toEqual({
      ok: false,
      error: 'the simulated magstripe reader is unplugged: replug it first',
    });
    // While it is away the driver keeps looking and finds nothing; the old handle never comes back.
    await waitUntil('the driver to look again', () => reader.health().problemKind === 'deviceNotFound');

    expect(await sendHidSimulatorCommand(socketPath, { op: 'replug' })).toMatchObject({ ok: true, plugged: true });
    await waitUntil('the driver to reopen', () => reader.health().connection === 'connected');
    await waitForReadingDevice(socketPath);
    await swipe(socketPath, ';100002?');
    await waitUntil('the second scan', () => scans(events).length === 2);
    expect(scans(events).map((frame) => frame.text)).toEqual(['100001', '100002']);
    const states = events.flatMap((event) => (event.type === 'connection' ? [event.state] : []));
    expect(states).toEqual(['connecting', 'connected', 'disconnected', 'connected']);
  });
});
