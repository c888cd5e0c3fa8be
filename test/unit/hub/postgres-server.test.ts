// The test cluster's support code: it finds the newest installed server, and without one it fails with the
// command to run — PostgreSQL tests are never skipped silently.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findPostgresBinaries, postgresMissingMessage, startPostgresServer } from '../../support/postgres-server';
import { makeTempDir } from '../../support/temp-dir';

describe('test PostgreSQL server support', () => {
  const folders: { remove: () => void }[] = [];
  afterEach(() => folders.splice(0).forEach((folder) => folder.remove()));

  function fakeInstall(versions: Record<string, string[]>): string {
    const folder = makeTempDir('dayroom-fake-pg-');
    folders.push(folder);
    for (const [version, tools] of Object.entries(versions)) {
      mkdirSync(join(folder.path, version, 'bin'), { recursive: true });
      for (const tool of tools) writeFileSync(join(folder.path, version, 'bin', tool), '');
    }
    return folder.path;
  }

  it('picks the newest version that has both initdb and pg_ctl', () => {
    const root = fakeInstall({ '9.6': ['initdb', 'pg_ctl'], '13': ['initdb', 'pg_ctl'], '15': ['initdb', 'pg_ctl'], '16': ['psql'] });
    expect(findPostgresBinaries(root)).toBe(join(root, '15', 'bin'));
    expect(findPostgresBinaries(fakeInstall({ '15': ['psql'] }))).toBeNull();
    expect(findPostgresBinaries('/nonexistent/postgresql')).toBeNull();
  });

  it('fails with the install command when the server is not installed', async () => {
    expect(postgresMissingMessage).toBe('postgresql is not installed: apt-get install postgresql');
    await expect(startPostgresServer({ root: '/nonexistent/postgresql' })).rejects.toThrow(postgresMissingMessage);
  });

  it('stops and deletes the cluster when the process that started it is killed outright', async () => {
    // A test worker killed by a signal runs no exit handler; the cluster's watchdog must stop it anyway.
    const supportModule = fileURLToPath(new URL('../../support/postgres-server.ts', import.meta.url));
    const script = `const { startPostgresServer } = await import(${JSON.stringify(supportModule)}); const server = await startPostgresServer(); console.log('port', server.port); setInterval(() => {}, 1 << 30);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /port (\d+)/.exec(output);
        if (match?.[1] !== undefined) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`the cluster's process ended (exit ${String(code)}) before it said its port`)));
    });
    const accepts = (): Promise<boolean> =>
      new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
    expect(await accepts()).toBe(true);
    child.kill('SIGKILL');
    await expect.poll(accepts, { timeout: 20_000 }).toBe(false);
  }, 60_000);
});
