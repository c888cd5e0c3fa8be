// A start on a full disk shows a screen in words instead of a restart loop (issue 15, item 3): the real web host CLI,
// as its own process, on a data folder in a real tmpfs that is full. It stays up and answers the page with the
// `deviceFull` view and the device's info from its site file; every other call is refused as deviceFull. When space is
// freed it starts the device by itself, closes the page's socket so the page fetches everything again, and serves the
// started device — without the supervisor ever seeing an exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostSocketPath, hostTokenParam, ServerFrame, type CallResult } from '../../../main/contract';
import { hostReadyMarker } from '../../../main/host/marker';
import { fillDisk, freeDisk, mountSmallFilesystem, type SmallFilesystem } from '../../support/small-filesystem';
import { makeTempDir } from '../../support/temp-dir';

const disk: SmallFilesystem = mountSmallFilesystem(4 * 1024 * 1024);
if (!disk.mounted) console.warn(`full-disk start test skipped: ${disk.reason}`);

/** One page's connection: calls by id, and whether the host closed it. */
function pageConnection(origin: string, token: string) {
  const socket = new WebSocket(`${origin.replace('http', 'ws')}${hostSocketPath}?${hostTokenParam}=${token}`, { headers: { origin } });
  const waiting = new Map<number, (result: CallResult<unknown>) => void>();
  let nextId = 1;
  let closedWith: number | null = null;
  socket.on('message', (data) => {
    const frame = ServerFrame.parse(JSON.parse(data.toString()));
    if (frame.type === 'result') waiting.get(frame.id)?.(frame.result as CallResult<unknown>);
  });
  socket.on('close', (code) => {
    closedWith = code;
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    opened,
    closedWith: () => closedWith,
    call: (name: string, input: unknown = {}): Promise<CallResult<unknown>> =>
      new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        socket.send(JSON.stringify({ type: 'call', id, name, input }));
      }),
    close: () => socket.close(),
  };
}

describe.skipIf(!disk.mounted)('the web host started on a full disk (a real tmpfs)', () => {
  const outside = makeTempDir();
  let child: ChildProcess | null = null;
  let stdout = '';
  let stderr = '';

  beforeAll(() => {
    writeFileSync(join(outside.path, 'index.html'), '<!doctype html><title>Dayroom</title>');
    // JSON is YAML: the site file, outside the full disk (it is read-only config, not the device's data).
    writeFileSync(
      join(outside.path, 'site.yaml'),
      JSON.stringify({
        site: { name: 'Riverbend' },
        device: { name: 'Unit B Kiosk 2', mode: 'kiosk', housingUnit: 'B' },
        languages: { offered: ['es', 'en'], default: 'es' },
        session: { idleSeconds: 60, idleWarningSeconds: 15, maxSessionMinutes: 15 },
        readers: [],
        credentials: { resident: { pattern: '^R(\\d{6})$' } },
      }),
    );
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    if (disk.mounted) disk.unmount();
    outside.remove();
  });

  it('serves the deviceFull screen, stays up, and starts the device by itself once space is freed', async () => {
    if (!disk.mounted) return;
    const dataDir = join(disk.path, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    const filler = fillDisk(disk.path);

    const host = spawn(
      process.execPath,
      ['--import', 'tsx', 'main/host/cli.ts', '--config', join(outside.path, 'site.yaml'), '--data', dataDir, '--renderer', outside.path],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, DAYROOM_FULL_DISK_RETRY_MS: '200' },
      },
    );
    child = host;
    host.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let exitCode: number | null = null;
    host.once('exit', (code) => (exitCode = code));
    const ready = await new Promise<{ url: string; origin: string; deviceFull: boolean }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the host did not start:\n${stderr}`)), 30_000);
      host.once('exit', (code) => reject(new Error(`the host exited (${code}) instead of serving its screen:\n${stderr}`)));
      createInterface({ input: host.stdout! }).on('line', (line) => {
        stdout += `${line}\n`;
        if (!line.startsWith(hostReadyMarker)) return;
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(hostReadyMarker.length)) as { url: string; origin: string; deviceFull: boolean });
      });
    });
    expect(ready.deviceFull).toBe(true);
    expect(stderr).toMatch(/could not start: its disk is full/);
    const token = new URL(ready.url).searchParams.get(hostTokenParam) ?? '';

    // The page is served, and the device answers in codes the screen words, in the site's language.
    expect((await fetch(ready.url)).status).toBe(200);
    const page = pageConnection(ready.origin, token);
    await page.opened;
    await expect(page.call('session.current')).resolves.toEqual({ ok: true, value: { phase: 'deviceFull' } });
    await expect(page.call('device.info')).resolves.toMatchObject({
      ok: true,
      value: { deviceName: 'Unit B Kiosk 2', language: 'es', languages: ['es', 'en'] },
    });
    await expect(page.call('device.setLanguage', { language: 'en' })).resolves.toMatchObject({ ok: true, value: { language: 'en' } });
    await expect(page.call('enrollment.status')).resolves.toMatchObject({ ok: false, error: { code: 'deviceFull' } });
    // Still full after more tries: still serving, never exited (no restart loop).
    await expect.poll(() => page.call('session.current'), { timeout: 10_000 }).toEqual({ ok: true, value: { phase: 'deviceFull' } });
    expect(exitCode).toBeNull();

    freeDisk(filler);
    await expect.poll(() => stdout, { timeout: 30_000 }).toMatch(/Space was freed: the device has started/);
    // The page's socket is closed so it reconnects and fetches everything again from the started device.
    await expect.poll(() => page.closedWith(), { timeout: 10_000 }).toBe(1012);
    const again = pageConnection(ready.origin, token);
    await again.opened;
    await expect(again.call('session.current')).resolves.toMatchObject({ ok: true, value: { phase: 'attract' } });
    await expect(again.call('enrollment.status')).resolves.toMatchObject({ ok: true, value: { credential: 'none' } });
    again.close();
    expect(exitCode).toBeNull();
  }, 90_000);
});
