// The web host's kept port (main/host/host-port.ts): read back as written, a file that is not a port ignored, and a
// host whose kept port something else took meanwhile serves on a new one and says so, rather than not at all.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { endWithThisProcess } from '../../../hardware/simulators/helper-processes';
import { hostPortFileName, keepHostPort, readKeptHostPort } from '../../../main/host/host-port';
import { hostReadyMarker } from '../../../main/host/marker';
import { makeTempDir } from '../../support/temp-dir';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function tempDir(): string {
  const dir = makeTempDir('dayroom-host-port-');
  cleanups.push(dir.remove);
  return dir.path;
}

describe('the kept web host port', () => {
  it('is read back as kept, in a file only the app user can read', () => {
    const dir = tempDir();
    expect(readKeptHostPort(dir)).toBeNull();
    expect(keepHostPort(dir, 4780)).toBe('kept');
    expect(readKeptHostPort(dir)).toBe(4780);
    expect(statSync(join(dir, hostPortFileName)).mode & 0o777).toBe(0o600);
  });

  it('ignores a file that does not hold a port', () => {
    const dir = tempDir();
    for (const text of ['', 'abc', '0', '65536', '80; rm -rf /', '-1']) {
      writeFileSync(join(dir, hostPortFileName), text);
      expect(readKeptHostPort(dir), text).toBeNull();
    }
  });

  it('taken by something else, the host serves on a new port, says so, and keeps the new one', async () => {
    const dir = tempDir();
    const rendererDir = join(dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Dayroom</title>');
    const siteFile = join(dir, 'site.yaml');
    writeFileSync(
      siteFile,
      JSON.stringify({
        site: { name: 'Riverbend' },
        device: { name: 'Unit B Kiosk 4', mode: 'kiosk', housingUnit: 'B' },
        languages: { offered: ['en'], default: 'en' },
        session: { idleSeconds: 60, idleWarningSeconds: 15, maxSessionMinutes: 15 },
        readers: [],
        credentials: { resident: { pattern: '^R(\\d{6})$' } },
      }),
    );
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => void squatter.close());
    const takenPort = (squatter.address() as { port: number }).port;
    keepHostPort(dataDir, takenPort);

    const child = endWithThisProcess(
      spawn(process.execPath, ['--import', 'tsx', 'main/host/cli.ts', '--config', siteFile, '--data', dataDir, '--renderer', rendererDir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    cleanups.push(() => void child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the host exited (${code}):\n${stderr}`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.startsWith(hostReadyMarker)) resolve((JSON.parse(line.slice(hostReadyMarker.length)) as { url: string }).url);
      });
    });
    const servedPort = Number(new URL(url).port);
    expect(servedPort).not.toBe(takenPort);
    expect(stderr).toContain(`Port ${takenPort}, where this kiosk listened before, is taken: serving on a new port`);
    expect(readFileSync(join(dataDir, hostPortFileName), 'utf8')).toBe(String(servedPort));
    expect((await fetch(url)).status).toBe(200);
  }, 60_000);
});
