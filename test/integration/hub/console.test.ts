// The console route: the CLI's commands run against a running hub (whose PGlite folder no second process can open),
// only with the admin token, and only when the hub was started with one.
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { newAdminToken, readConsoleConnection, runOnHub, writeConsoleConnection } from '../../../hub/console-connection';
import { adminCommandPath } from '../../../hub/http/admin';
import { startHub, type RunningHub } from '../../../hub/server';
import { freshHubDatabase, type TestHubDatabase } from '../../support/hub-databases';
import { makeTempDir } from '../../support/temp-dir';

/** Async on purpose: the hub runs in this process, so a synchronous spawn would leave it unable to answer. */
async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'hub/cli.ts', ...args], { encoding: 'utf8' });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let database: TestHubDatabase;
let hub: RunningHub;
const folder = makeTempDir('dayroom-console-');

afterEach(async () => {
  await hub.close();
  await database.dispose();
});

async function startWith(adminToken?: string) {
  database = await freshHubDatabase('pglite');
  hub = await startHub({ database: database.database, logger: pino({ level: 'silent' }), ...(adminToken === undefined ? {} : { adminToken }) });
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) } };
}

describe('hub console route', () => {
  it('runs CLI commands inside the running hub with the admin token', async () => {
    const adminToken = newAdminToken();
    await startWith(adminToken);
    const site = capture();
    expect(await runOnHub({ url: hub.url, adminToken }, ['create-site', '--name', 'Hill County Jail'], site.io)).toBe(0);
    expect(site.out.join('\n')).toMatch(/Hill County Jail/);
    const unit = capture();
    expect(await runOnHub({ url: hub.url, adminToken }, ['add-unit', '--name', 'A-Pod', '--data', '/elsewhere'], unit.io)).toBe(0);
    const badInput = capture();
    expect(await runOnHub({ url: hub.url, adminToken }, ['deposit', '--amount', 'lots'], badInput.io)).toBe(2);
    expect(badInput.err.join('\n')).toMatch(/usage/);
  });

  it("takes JSON { command, options } validated by the command's schema, and refuses command-line words", async () => {
    const adminToken = newAdminToken();
    await startWith(adminToken);
    const post = async (body: unknown) => {
      const response = await fetch(new URL(adminCommandPath, hub.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const argv = await post({ args: ['create-site', '--name', 'Hill County Jail'] });
    expect(argv.status).toBe(400);
    expect(argv.body).toMatchObject({ error: { code: 'badRequest', message: expect.stringContaining('not command-line words') } });
    expect(await post({ command: 'create-site', options: { name: 'Hill County Jail', charactersPerStamp: '6000' } })).toMatchObject({
      status: 200,
      body: {
        exitCode: 0,
        out: expect.arrayContaining([expect.stringContaining('Created site Hill County Jail'), expect.stringContaining('6000 characters')]),
        refusal: null,
      },
    });
    expect(await post({ command: 'deposit', options: { resident: 'B1001', amount: 'lots', source: 'online' } })).toMatchObject({
      status: 200,
      body: {
        exitCode: 2,
        refusal: { code: 'badOptionValue', path: ['amount'], message: 'options.amount must be an amount in dollars such as 25.00, not "lots".' },
      },
    });
    expect(await post({ command: 'units', options: { nmae: 'A-Pod' } })).toMatchObject({
      status: 200,
      body: { exitCode: 2, refusal: { code: 'unknownOption', path: ['nmae'] } },
    });
    expect(await post({ command: 'teleport', options: {} })).toMatchObject({ status: 200, body: { exitCode: 2, refusal: { code: 'unknownCommand' } } });
    expect(await post({ command: 'deposit', options: { resident: 'B404', amount: '5', source: 'online' } })).toMatchObject({
      status: 200,
      body: { exitCode: 1, refusal: { code: 'notFound' } },
    });
  });

  it('refuses a wrong token, and does not exist without one', async () => {
    await startWith(newAdminToken());
    const wrong = capture();
    expect(await runOnHub({ url: hub.url, adminToken: newAdminToken() }, ['units'], wrong.io)).toBe(1);
    expect(wrong.err.join('\n')).toMatch(/HTTP 401/);
    await hub.close();
    await database.dispose();
    await startWith();
    const response = await fetch(new URL(adminCommandPath, hub.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"command":"units","options":{}}',
    });
    expect(response.status).toBe(404);
  });

  it('keeps the connection file private, and `hub/cli.ts --hub <file>` uses it', async () => {
    const adminToken = newAdminToken();
    await startWith(adminToken);
    const file = join(folder.path, 'hub.json');
    writeConsoleConnection(file, { url: hub.url, adminToken });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readConsoleConnection(file).url).toBe(hub.url);
    const run = await cli('create-site', '--name', 'Ridge Jail', '--hub', file);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Ridge Jail/);
    const missing = await cli('units', '--hub', join(folder.path, 'nope.json'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/Is the hub running/);
  });
});
