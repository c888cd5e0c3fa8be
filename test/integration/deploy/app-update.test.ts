// App updates from the hub (docs/deployment.md §12), with real files, a real hub on loopback and the device's real
// hub client: `publish-update` signs a build and stores it in the hub's database (both backends), the hub serves it in
// electron-updater's generic-provider layout to enrolled devices, and the device's update agent takes only a newer,
// signed build of its own app and variant, verifies the bytes, and installs it into an install root only when no one is
// signed in. Every bad update — unsigned, signed with another key, another app's, another build's, damaged in transit,
// older, one that failed here before, one whose inside does not match — is refused in words and counted, and the
// version that runs stays current.
import { execFileSync } from 'node:child_process';
import { chmodSync, createReadStream, existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../hub/commands/run';
import { hubPaths } from '../../../hub/protocol/index';
import { digestOfFile, generateUpdateSigningKey, readUpdatePublicKey, readUpdateSigningKey, signUpdate } from '../../../platform/update-signature';
import { publishAppUpdate } from '../../../hub/services/app-updates';
import { dayroomAppId, SignedUpdateFields, UpdateMetadata, updateMetadataOf, type UpdateVariant } from '../../../rules/app-update';
import { createHubClient } from '../../../main/sync/hub-client';
import { installLayout, readInstallState } from '../../../main/update/install-layout';
import { createUpdateAgent, type UpdateAgent, type UpdateAgentOptions } from '../../../main/update/update-agent';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { silentLogger } from '../../support/synced-device';
import { makeInstallRoot, packAppBuild } from '../../support/app-versions';
import { makeTempDir } from '../../support/temp-dir';
import { call, enroll, seedFacility, startTestHub, type Facility, type TestHub } from '../hub/fixture';

useHubDatabases();

interface Cli {
  (...args: string[]): Promise<{ code: number; out: string; err: string }>;
}

function cliOn(testHub: TestHub): Cli {
  return async (...args) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (line) => out.push(line), err: (line) => err.push(line), env: { USER: 'it-lead' }, database: testHub.hub.database });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}

/** The facility's key pair, the private half in a 0600 file as update-signing-key writes it. */
async function signingKeyIn(folder: string, cli: Cli): Promise<{ pem: string; publicKey: string }> {
  const made = await cli('update-signing-key', '--out', join(folder, 'keys'));
  expect(made).toMatchObject({ code: 0 });
  const pem = join(folder, 'keys', 'update-signing-key.pem');
  return { pem, publicKey: readFileSync(join(folder, 'keys', 'update-public-key.txt'), 'utf8').trim() };
}

let testHub: TestHub | null = null;
let folder: ReturnType<typeof makeTempDir> | null = null;
afterEach(async () => {
  await testHub?.close();
  testHub = null;
  folder?.remove();
  folder = null;
});

describe.each(hubBackends)('publishing an update on the hub (%s)', (backend) => {
  it('signs a build, serves its metadata and bytes to enrolled devices only, and refuses what would move devices backwards', async () => {
    testHub = await startTestHub(backend);
    folder = makeTempDir('dayroom-publish-');
    const cli = cliOn(testHub);
    const facility = await seedFacility(testHub.hub);
    const key = await signingKeyIn(folder.path, cli);
    expect(await cli('update-signing-key', '--out', join(folder.path, 'keys'))).toMatchObject({
      code: 1,
      err: expect.stringMatching(/exists already/) as unknown,
    });

    const archive = packAppBuild(folder.path, '0.2.0', 'minimal');
    const published = await cli('publish-update', '--variant', 'webhost-linux', '--version', '0.2.0', '--file', archive, '--signing-key', key.pem);
    expect(published.code, published.err).toBe(0);
    expect(published.out).toContain('Published webhost-linux 0.2.0');
    expect(published.out).toContain(key.publicKey);
    // The very same bytes again change nothing; other bytes under the same version, or an older version, are refused.
    expect(await cli('publish-update', '--variant', 'webhost-linux', '--version', '0.2.0', '--file', archive, '--signing-key', key.pem)).toMatchObject({
      code: 0,
      out: expect.stringMatching(/already published with these very bytes/) as unknown,
    });
    const other = packAppBuild(folder.path, '0.1.5', 'minimal');
    // Other bytes that still say 0.2.0 inside: the same tree with one more file.
    const rebuiltTree = join(folder.path, '.staging-minimal-0.2.0');
    writeFileSync(join(rebuiltTree, 'NOTES.txt'), 'rebuilt\n');
    const rebuilt = join(folder.path, 'dayroom-rebuilt-0.2.0.tar.gz');
    execFileSync('tar', ['-czf', rebuilt, '-C', rebuiltTree, '.']);
    expect(await cli('publish-update', '--variant', 'webhost-linux', '--version', '0.2.0', '--file', rebuilt, '--signing-key', key.pem)).toMatchObject({
      code: 1,
      err: expect.stringMatching(/already published with other bytes/) as unknown,
    });
    expect(await cli('publish-update', '--variant', 'webhost-linux', '--version', '0.1.5', '--file', other, '--signing-key', key.pem)).toMatchObject({
      code: 1,
      err: expect.stringMatching(/0\.1\.5 is not newer than 0\.2\.0/) as unknown,
    });
    // Bad command lines: in words, nothing published.
    const notAKey = join(folder.path, 'not-a-key.pem');
    writeFileSync(notAKey, 'this is not a key\n', { mode: 0o600 });
    const refusals: [string[], number, RegExp][] = [
      [['--variant', 'windows', '--version', '0.3.0', '--file', archive, '--signing-key', key.pem], 2, /--variant must be webhost-linux or electron-linux/],
      [['--variant', 'webhost-linux', '--version', 'v0.3', '--file', archive, '--signing-key', key.pem], 2, /--version must be MAJOR\.MINOR\.PATCH/],
      [['--variant', 'webhost-linux', '--version', '0.3.0', '--file', join(folder.path, 'absent.tar.gz'), '--signing-key', key.pem], 1, /no such file/],
      [['--variant', 'webhost-linux', '--version', '0.3.0', '--file', archive], 2, /needs --signing-key/],
      [['--variant', 'webhost-linux', '--version', '0.3.0', '--file', archive, '--signing-key', notAKey], 1, /not a private key in PEM form/],
    ];
    for (const [args, code, words] of refusals) {
      const answer = await cli('publish-update', ...args);
      expect(answer.code, args.join(' ')).toBe(code);
      expect(answer.err).toMatch(words);
    }
    // A web host build that says another version inside, or is not packed from inside its folder, is refused before
    // anything is stored: every device would refuse it, and its version number would be spent.
    const mislabelled = join(folder.path, 'dayroom-webhost-0.3.0.tar.gz');
    writeFileSync(mislabelled, readFileSync(packAppBuild(join(folder.path, 'mislabelled'), '0.2.9', 'minimal')));
    expect(await cli('publish-update', '--variant', 'webhost-linux', '--version', '0.3.0', '--file', mislabelled, '--signing-key', key.pem)).toMatchObject({
      code: 1,
      err: expect.stringMatching(/says it is version 0\.2\.9 in its package\.json, not 0\.3\.0/) as unknown,
    });
    const wrapped = join(folder.path, 'dayroom-webhost-wrapped-0.3.0.tar.gz');
    execFileSync('tar', ['-czf', wrapped, '-C', folder.path, 'mislabelled']);
    expect(await cli('publish-update', '--variant', 'webhost-linux', '--version', '0.3.0', '--file', wrapped, '--signing-key', key.pem)).toMatchObject({
      code: 1,
      err: expect.stringMatching(/holds no package\.json at its top/) as unknown,
    });
    chmodSync(key.pem, 0o644);
    expect(await cli('publish-update', '--variant', 'webhost-linux', '--version', '0.3.0', '--file', archive, '--signing-key', key.pem)).toMatchObject({
      code: 1,
      err: expect.stringMatching(/mode 0644 lets others read it/) as unknown,
    });
    chmodSync(key.pem, 0o600);
    expect(
      await cli('publish-update', '--variant', 'webhost-linux', '--version', '0.3.0', '--file', archive, '--signing-key', key.pem, '--hub', 'x.json'),
    ).toMatchObject({
      code: 2,
    });

    // Served: the metadata in electron-updater's format, the file by the URL it names, to an enrolled device only.
    const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    expect((await call(testHub.url, `${hubPaths.updates}/webhost-linux.yml`, { method: 'GET' })).status).toBe(401);
    expect((await call(testHub.url, `${hubPaths.updates}/latest-linux.yml`, { method: 'GET', token: kiosk.secret })).status).toBe(404);
    expect((await call(testHub.url, `${hubPaths.updates}/latest-mac.yml`, { method: 'GET', token: kiosk.secret })).status).toBe(404);
    const metadataAnswer = await call(testHub.url, `${hubPaths.updates}/webhost-linux.yml`, { method: 'GET', token: kiosk.secret });
    expect(metadataAnswer.status).toBe(200);
    expect(metadataAnswer.headers.get('content-type')).toMatch(/^text\/yaml/);
    const metadata = UpdateMetadata.parse(parseYaml(metadataAnswer.bytes.toString('utf8')));
    expect(metadata).toMatchObject({ version: '0.2.0', path: 'files/webhost-linux/0.2.0/dayroom-minimal-0.2.0.tar.gz', dayroomAppId });
    const file = await call(testHub.url, `${hubPaths.updates}/${metadata.path}`, { method: 'GET', token: kiosk.secret });
    expect(file.status).toBe(200);
    expect(file.bytes.equals(readFileSync(archive))).toBe(true);
    expect((await call(testHub.url, `${hubPaths.updates}/${metadata.path}`, { method: 'GET' })).status).toBe(401);
    expect((await call(testHub.url, `${hubPaths.updates}/files/webhost-linux/0.2.0/other.tar.gz`, { method: 'GET', token: kiosk.secret })).status).toBe(404);
    expect((await call(testHub.url, `${hubPaths.updates}/files/webhost-linux/..%2F..%2Fx/a.tar.gz`, { method: 'GET', token: kiosk.secret })).status).toBe(400);
  });
});

interface DeviceUnderTest {
  readonly agent: UpdateAgent;
  readonly root: string;
  readonly restarts: () => number;
  signedIn: boolean;
}

/**
 * An install root holding 0.1.0 and an update agent for it, enrolled with the hub; `tamper` rewrites what the hub
 * answers before the device's client reads it (a hostile network, or a hub that is not the facility's).
 */
async function deviceWithAgent(
  hub: TestHub,
  facility: Facility,
  where: string,
  publicKey: string,
  tamper: (path: string, response: Response) => Promise<Response> = (_path, response) => Promise.resolve(response),
  variant: UpdateVariant = 'webhost-linux',
): Promise<DeviceUnderTest> {
  const kiosk = await enroll(hub, facility.siteId, 'kiosk', facility.unitA);
  const root = join(where, 'install');
  makeInstallRoot(root, '0.1.0', variant === 'electron-linux' ? 'electron' : 'minimal');
  let restarts = 0;
  const tamperingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    return tamper(new URL(input instanceof Request ? input.url : input.toString()).pathname, response);
  };
  const client = createHubClient({ hubUrl: hub.url, secret: kiosk.secret, fetch: tamperingFetch });
  const options: UpdateAgentOptions = {
    variant,
    runningVersion: '0.1.0',
    installRoot: root,
    stagingDir: join(where, 'data', 'updates'),
    publicKey: readUpdatePublicKey(publicKey),
    hub: () => client,
    someoneSignedIn: () => device.signedIn,
    restart: () => {
      restarts += 1;
    },
    logger: silentLogger(),
    now: Date.now,
  };
  const device: DeviceUnderTest = { root, restarts: () => restarts, signedIn: false, agent: createUpdateAgent(options) };
  agentOptions.set(device, options);
  return device;
}

const agentOptions = new WeakMap<DeviceUnderTest, UpdateAgentOptions>();
function agentOptionsOf(device: DeviceUnderTest): UpdateAgentOptions {
  const options = agentOptions.get(device);
  if (options === undefined) throw new Error('not a device made by deviceWithAgent');
  return options;
}

const yamlResponse = (text: string): Response => new Response(text, { status: 200, headers: { 'content-type': 'text/yaml; charset=utf-8' } });

describe('the device taking an update (pglite)', () => {
  it('downloads and verifies in the background, waits while someone is signed in, then installs on trial and restarts', async () => {
    testHub = await startTestHub('pglite');
    folder = makeTempDir('dayroom-agent-');
    const cli = cliOn(testHub);
    const key = await signingKeyIn(folder.path, cli);
    const device = await deviceWithAgent(testHub, await seedFacility(testHub.hub), folder.path, key.publicKey);
    expect(await device.agent.checkNow()).toEqual({ kind: 'nothingPublished' });

    const archive = packAppBuild(folder.path, '0.2.0', 'minimal');
    expect((await cli('publish-update', '--variant', 'webhost-linux', '--version', '0.2.0', '--file', archive, '--signing-key', key.pem)).code).toBe(0);
    device.signedIn = true;
    expect(await device.agent.checkNow()).toEqual({ kind: 'waitingForIdle', version: '0.2.0' });
    expect(device.agent.status()).toMatchObject({ runningVersion: '0.1.0', stagedVersion: '0.2.0', lastOutcome: 'waitingForIdle', lastRefusal: null });
    expect(readlinkSync(join(device.root, installLayout.current))).toBe('versions/0.1.0');
    expect(device.restarts()).toBe(0);
    // Checked again while the person is still there: nothing is downloaded twice, nothing installed.
    expect(await device.agent.checkNow()).toEqual({ kind: 'waitingForIdle', version: '0.2.0' });

    device.signedIn = false;
    expect(await device.agent.installIfIdle()).toEqual({ kind: 'installed', version: '0.2.0' });
    expect(device.restarts()).toBe(1);
    expect(readInstallState(device.root)).toEqual({ current: '0.2.0', trial: { version: '0.2.0', previous: '0.1.0' }, refused: new Set() });
    expect(readFileSync(join(device.root, 'versions', '0.2.0', 'README.txt'), 'utf8')).toBe('Dayroom 0.2.0\n');
    expect(existsSync(join(device.root, 'versions', '0.1.0', 'package.json'))).toBe(true);
    expect(device.agent.status().stagedVersion).toBeNull();
  });

  it('installs an Electron build as electron-builder packs it: unwrapped from its one folder, its version read from resources/app-package.json', async () => {
    testHub = await startTestHub('pglite');
    folder = makeTempDir('dayroom-agent-electron-');
    const cli = cliOn(testHub);
    const key = await signingKeyIn(folder.path, cli);
    // The hub refuses, before any device downloads it, a tree that is not an Electron build or says another version.
    const webHostTree = packAppBuild(folder.path, '0.2.0', 'minimal');
    const notElectron = await cli('publish-update', '--variant', 'electron-linux', '--version', '0.2.0', '--file', webHostTree, '--signing-key', key.pem);
    expect(notElectron.code).toBe(1);
    expect(notElectron.err).toMatch(/holds no resources\/app-package\.json, so no device would install it: publish the tar\.gz electron-builder made/);
    const archive = packAppBuild(folder.path, '0.2.0', 'electron');
    const mislabelled = await cli('publish-update', '--variant', 'electron-linux', '--version', '0.3.0', '--file', archive, '--signing-key', key.pem);
    expect(mislabelled.code).toBe(1);
    expect(mislabelled.err).toMatch(/says it is version 0\.2\.0 in its resources\/app-package\.json, not 0\.3\.0/);

    expect(execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' })).toMatch(/^Dayroom-0\.2\.0\/resources\/app-package\.json$/m);
    expect((await cli('publish-update', '--variant', 'electron-linux', '--version', '0.2.0', '--file', archive, '--signing-key', key.pem)).code).toBe(0);
    const device = await deviceWithAgent(testHub, await seedFacility(testHub.hub), folder.path, key.publicKey, undefined, 'electron-linux');
    expect(await device.agent.checkNow()).toEqual({ kind: 'installed', version: '0.2.0' });
    expect(device.restarts()).toBe(1);
    expect(readInstallState(device.root)).toEqual({ current: '0.2.0', trial: { version: '0.2.0', previous: '0.1.0' }, refused: new Set() });
    // The launcher starts ./dayroom in current: the tree is at the top of the version folder, not inside Dayroom-0.2.0/.
    const installed = join(device.root, installLayout.current);
    expect(readdirSync(installed).sort()).toEqual(['dayroom', 'resources']);
    expect(execFileSync(join(installed, 'dayroom'), { encoding: 'utf8' })).toBe('Dayroom 0.2.0\n');
    expect(readdirSync(join(device.root, installLayout.versions)).sort()).toEqual(['0.1.0', '0.2.0']);
  });

  it('does not restart on a person who signed in while the update was unpacked: the restart waits for the attract screen', async () => {
    testHub = await startTestHub('pglite');
    folder = makeTempDir('dayroom-agent-late-');
    const cli = cliOn(testHub);
    const key = await signingKeyIn(folder.path, cli);
    const device = await deviceWithAgent(testHub, await seedFacility(testHub.hub), folder.path, key.publicKey);
    expect(
      (
        await cli(
          'publish-update',
          '--variant',
          'webhost-linux',
          '--version',
          '0.2.0',
          '--file',
          packAppBuild(folder.path, '0.2.0', 'minimal'),
          '--signing-key',
          key.pem,
        )
      ).code,
    ).toBe(0);
    // No one at the screen when the install starts; someone by the time the new version is in place.
    device.signedIn = false;
    let asked = 0;
    const signsInDuringInstall = (): boolean => {
      asked += 1;
      return device.signedIn || asked > 2;
    };
    const late = createUpdateAgent({ ...agentOptionsOf(device), someoneSignedIn: signsInDuringInstall });
    expect(await late.checkNow()).toEqual({ kind: 'waitingForIdle', version: '0.2.0' });
    expect(readInstallState(device.root).current).toBe('0.2.0');
    expect(device.restarts()).toBe(0);
    expect(late.status().stagedVersion).toBe('0.2.0');
    // Still someone there: still no restart. Then the screen is free.
    expect(await late.installIfIdle()).toEqual({ kind: 'waitingForIdle', version: '0.2.0' });
    asked = Number.NEGATIVE_INFINITY;
    expect(await late.installIfIdle()).toEqual({ kind: 'installed', version: '0.2.0' });
    expect(device.restarts()).toBe(1);
  });

  it('refuses, in words and counted, every update it cannot prove, and the running version stays current', async () => {
    testHub = await startTestHub('pglite');
    folder = makeTempDir('dayroom-agent-bad-');
    const where = folder.path;
    const cli = cliOn(testHub);
    const key = await signingKeyIn(where, cli);
    const facilityKey = readUpdateSigningKey(readFileSync(key.pem, 'utf8'));
    const archive = packAppBuild(where, '0.2.0', 'minimal');
    expect((await cli('publish-update', '--variant', 'webhost-linux', '--version', '0.2.0', '--file', archive, '--signing-key', key.pem)).code).toBe(0);
    const electronArchive = packAppBuild(where, '0.2.0', 'electron');
    expect((await cli('publish-update', '--variant', 'electron-linux', '--version', '0.2.0', '--file', electronArchive, '--signing-key', key.pem)).code).toBe(
      0,
    );
    const facility = await seedFacility(testHub.hub);
    const reader = await enroll(testHub, facility.siteId, 'kiosk', facility.unitB);
    const metadataText = async (file: string): Promise<string> =>
      (await call(testHub?.url ?? '', `${hubPaths.updates}/${file}`, { method: 'GET', token: reader.secret })).bytes.toString('utf8');
    const genuine = UpdateMetadata.parse(parseYaml(await metadataText('webhost-linux.yml')));
    const genuineFields = SignedUpdateFields.parse({
      appId: genuine.dayroomAppId,
      variant: genuine.dayroomVariant,
      version: genuine.version,
      fileName: 'dayroom-minimal-0.2.0.tar.gz',
      sha512: genuine.sha512,
      size: genuine.files[0]?.size,
      releaseDate: genuine.releaseDate,
    });
    const otherKey = readUpdateSigningKey(generateUpdateSigningKey().privateKeyPem);

    /** Each case: what the network does to the answers, and the refusal the device must give. */
    const cases: { name: string; tamper: (path: string, response: Response) => Promise<Response>; refusal: string; words: RegExp }[] = [
      {
        name: 'unsigned',
        tamper: async (path, response) => {
          if (!path.endsWith('.yml')) return response;
          const { dayroomSignature: _dropped, ...unsigned } = UpdateMetadata.parse(parseYaml(await response.text()));
          return yamlResponse(stringifyYaml(unsigned));
        },
        refusal: 'unreadableMetadata',
        words: /dayroomSignature is not what electron-updater's format says/,
      },
      {
        name: 'signed with another key',
        tamper: async (path, response) =>
          path.endsWith('.yml') ? yamlResponse(stringifyYaml(updateMetadataOf(genuineFields, signUpdate(genuineFields, otherKey)))) : response,
        refusal: 'badSignature',
        words: /signature does not hold with the site file's public key/,
      },
      {
        name: "another app's, signed with the facility's key",
        tamper: async (path, response) => {
          if (!path.endsWith('.yml')) return response;
          const fields = { ...genuineFields, appId: 'org.example.other' };
          return yamlResponse(stringifyYaml(updateMetadataOf(fields, signUpdate(fields, facilityKey))));
        },
        refusal: 'otherApp',
        words: /for org\.example\.other, not org\.dayroom\.kiosk/,
      },
      {
        name: 'the Electron build offered to a web host',
        tamper: async (path, response) => (path.endsWith('.yml') ? yamlResponse(await metadataText('latest-linux.yml')) : response),
        refusal: 'otherBuild',
        words: /the electron-linux build; this device runs webhost-linux/,
      },
      {
        name: 'damaged in transit',
        tamper: async (path, response) => {
          if (path.endsWith('.yml')) return response;
          const bytes = Buffer.from(await response.arrayBuffer());
          bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
          return new Response(bytes, { status: 200, headers: response.headers });
        },
        refusal: 'hashMismatch',
        words: /does not have the signed metadata's sha512/,
      },
      {
        name: 'cut short',
        tamper: async (path, response) => {
          if (path.endsWith('.yml')) return response;
          const bytes = Buffer.from(await response.arrayBuffer());
          return new Response(bytes.subarray(0, 100), { status: 200, headers: { 'content-type': 'application/octet-stream' } });
        },
        refusal: 'sizeMismatch',
        words: /not the \d+ bytes the signed metadata says/,
      },
      {
        name: 'not YAML at all',
        tamper: async (path, response) => (path.endsWith('.yml') ? yamlResponse('version: [1, 2\n  bad: {') : response),
        refusal: 'unreadableMetadata',
        words: /not YAML/,
      },
    ];
    for (const [index, { name, tamper, refusal, words }] of cases.entries()) {
      const device = await deviceWithAgent(testHub, facility, join(where, `case-${index}`), key.publicKey, tamper);
      const outcome = await device.agent.checkNow();
      expect(outcome, name).toMatchObject({ kind: 'refused', refusal });
      expect(outcome.kind === 'refused' ? outcome.problem : '', name).toMatch(words);
      expect(device.agent.status().refusals, name).toEqual({ [refusal]: 1 });
      // What service mode shows: the refusal and the version it was for (null where the metadata named none readable).
      expect(device.agent.status().lastRefusal, name).toEqual({ refusal, version: outcome.kind === 'refused' ? outcome.version : 'not refused' });
      expect(device.agent.status().lastOutcome, name).toBe('refused');
      expect(readInstallState(device.root), name).toEqual({ current: '0.1.0', trial: null, refused: new Set() });
      expect(device.agent.status().stagedVersion, name).toBeNull();
      expect(device.restarts(), name).toBe(0);
    }

    // A version that failed its trial here is never taken again; one already running is not news.
    const failedBefore = await deviceWithAgent(testHub, facility, join(where, 'failed-before'), key.publicKey);
    writeFileSync(join(failedBefore.root, installLayout.refused), '0.2.0\n');
    expect(await failedBefore.agent.checkNow()).toMatchObject({ kind: 'refused', refusal: 'refusedBefore', version: '0.2.0' });

    // A signed build whose inside says another version is not installed; the root is left as it was. publish-update
    // refuses such a build (below), so it is stored here the way a hub that did not check would hold it.
    const mislabelled = packAppBuild(join(where, 'case-0'), '0.2.9', 'minimal');
    const renamed = join(where, 'dayroom-mislabelled-0.3.0.tar.gz');
    writeFileSync(renamed, readFileSync(mislabelled));
    const mislabelledFields = SignedUpdateFields.parse({
      appId: dayroomAppId,
      variant: 'webhost-linux',
      version: '0.3.0',
      fileName: 'dayroom-mislabelled-0.3.0.tar.gz',
      ...(await digestOfFile(renamed)),
      releaseDate: new Date().toISOString(),
    });
    await publishAppUpdate(
      testHub.hub.database,
      { fields: mislabelledFields, signature: signUpdate(mislabelledFields, facilityKey), publishedBy: 'it-lead', publishedAt: Date.now() },
      createReadStream(renamed),
      () => undefined,
    );
    const inside = await deviceWithAgent(testHub, facility, join(where, 'inside'), key.publicKey);
    expect(await inside.agent.checkNow()).toMatchObject({
      kind: 'refused',
      refusal: 'notInstallable',
      problem: 'the update says it is version 0.2.9 inside, not 0.3.0',
    });
    expect(readInstallState(inside.root)).toEqual({ current: '0.1.0', trial: null, refused: new Set() });
    expect(existsSync(join(inside.root, 'versions', '.incoming-0.3.0'))).toBe(false);
  });
});
