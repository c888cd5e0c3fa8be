// The web host over real loopback HTTP and WebSocket: the per-launch token, the Origin check and bad frames.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import pino from 'pino';
import { hostSocketPath, maxCallFrameBytes, maxMessageCharacters, ServerFrame } from '../../../main/contract';
import { startWebHost, RendererNotBuiltError, type WebHost } from '../../../main/host/server';
import { startDeviceFixture, type DeviceFixture } from '../../support/device-fixture';
import { makeTempDir } from '../../support/temp-dir';

let fixture: DeviceFixture;
let host: WebHost;
let rendererDir: ReturnType<typeof makeTempDir>;

beforeEach(async () => {
  fixture = await startDeviceFixture();
  rendererDir = makeTempDir();
  // The host serves whatever renderer build it is given; a one-line page is enough to test the gate in front of it.
  writeFileSync(join(rendererDir.path, 'index.html'), '<!doctype html><title>Dayroom</title>');
  host = await startWebHost({ bridge: fixture.runtime.bridge, rendererDir: rendererDir.path, logger: pino({ level: 'silent' }) });
});
afterEach(async () => {
  await host.close();
  await fixture.cleanup();
  rendererDir.remove();
});

function connect(options: { token?: string; origin?: string }): WebSocket {
  const query = options.token === undefined ? '' : `?token=${encodeURIComponent(options.token)}`;
  return new WebSocket(`${host.origin.replace('http', 'ws')}${hostSocketPath}${query}`, { headers: { origin: options.origin ?? host.origin } });
}

function refusedStatus(socket: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('open', () => reject(new Error('the connection was accepted')));
    socket.on('error', () => undefined);
  });
}

function frames(socket: WebSocket): { next(): Promise<ServerFrame> } {
  const queue: ServerFrame[] = [];
  const waiting: Array<(frame: ServerFrame) => void> = [];
  socket.on('message', (data) => {
    const frame = ServerFrame.parse(JSON.parse(data.toString()));
    const resolve = waiting.shift();
    if (resolve) resolve(frame);
    else queue.push(frame);
  });
  return {
    next: () =>
      new Promise((resolve) => {
        const frame = queue.shift();
        if (frame) resolve(frame);
        else waiting.push(resolve);
      }),
  };
}

const opened = (socket: WebSocket) =>
  new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });

describe('web host', () => {
  it('listens on loopback only', () => {
    expect(new URL(host.origin).hostname).toBe('127.0.0.1');
  });

  it('serves the page only with the token, with a strict CSP', async () => {
    const withToken = await fetch(host.url);
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get('content-security-policy')).toContain("default-src 'self'");
    const without = await fetch(host.origin + '/');
    expect(without.status).toBe(403);
    expect(await without.text()).toMatch(/needs the address printed by the Dayroom host/);
  });

  it('refuses a WebSocket without the token, with a wrong token, or from another origin', async () => {
    expect(await refusedStatus(connect({}))).toBe(403);
    expect(await refusedStatus(connect({ token: 'guess' }))).toBe(403);
    expect(await refusedStatus(connect({ token: host.token, origin: 'http://evil.example' }))).toBe(403);
    expect(host.counters.refusedConnections).toBe(3);
  });

  it('answers calls, and refuses bad frames in words without dropping the connection', async () => {
    const socket = connect({ token: host.token });
    const incoming = frames(socket);
    await opened(socket);
    socket.send('not json');
    expect(await incoming.next()).toMatchObject({ type: 'refused', error: { code: 'invalidInput' } });
    socket.send(JSON.stringify({ type: 'call', id: -1, name: 'device.info' }));
    expect(await incoming.next()).toMatchObject({ type: 'refused', error: { code: 'invalidInput' } });
    socket.send(JSON.stringify({ type: 'call', id: 1, name: 'session.enterPin', input: { pin: '<script>' } }));
    expect(await incoming.next()).toMatchObject({ type: 'result', id: 1, result: { ok: false, error: { code: 'invalidInput' } } });
    socket.send(JSON.stringify({ type: 'call', id: 2, name: 'device.info', input: {} }));
    expect(await incoming.next()).toMatchObject({ type: 'result', id: 2, result: { ok: true, value: { deviceName: 'Test Kiosk' } } });
    expect(host.counters.badFrames).toBe(2);
    socket.close();
  });

  it('takes the largest legal letter in any script, and the worst-escaping text, without closing the socket', async () => {
    const socket = connect({ token: host.token });
    const incoming = frames(socket);
    await opened(socket);
    const letters = [
      '漢'.repeat(maxMessageCharacters),
      '😀'.repeat(maxMessageCharacters),
      '"'.repeat(maxMessageCharacters),
      '\u0000'.repeat(maxMessageCharacters),
    ];
    for (const [index, body] of letters.entries()) {
      const frame = JSON.stringify({
        type: 'call',
        id: 10 + index,
        name: 'mail.saveDraft',
        input: { draftId: '0190a5f0-0000-7000-8000-000000000001', contactId: 'c1', replyToMessageId: null, body },
      });
      expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(maxCallFrameBytes);
      socket.send(frame);
      // Nobody is signed in, so the runtime refuses — but it answered: the frame was read, the socket is open.
      expect(await incoming.next()).toMatchObject({ type: 'result', id: 10 + index, result: { ok: false } });
    }
    socket.send(JSON.stringify({ type: 'call', id: 99, name: 'device.info', input: {} }));
    expect(await incoming.next()).toMatchObject({ type: 'result', id: 99, result: { ok: true } });
    socket.close();
  });

  it('closes the socket on a frame larger than the contract allows', async () => {
    const socket = connect({ token: host.token });
    await opened(socket);
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('x'.repeat(maxCallFrameBytes + 1));
    expect(await closed).toBe(1009);
  });

  it('pushes session events to connected pages', async () => {
    const socket = connect({ token: host.token });
    const incoming = frames(socket);
    await opened(socket);
    await fixture.pty.write(']AR999999\r');
    let frame = await incoming.next();
    while (!(frame.type === 'event' && frame.name === 'session.changed')) frame = await incoming.next();
    expect(frame).toMatchObject({ payload: { phase: 'attract', notice: 'cardNotRecognized', noticeLanguage: null } });
    socket.close();
  });

  it('will not start without a built renderer, and says how to build it', async () => {
    const empty = makeTempDir();
    mkdirSync(join(empty.path, 'x'));
    await expect(startWebHost({ bridge: fixture.runtime.bridge, rendererDir: empty.path, logger: pino({ level: 'silent' }) })).rejects.toThrow(
      RendererNotBuiltError,
    );
    empty.remove();
  });
});
