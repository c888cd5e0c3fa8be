// The packaging dry run (docs/deployment.md §11): everything `npm run package` depends on that can be checked without
// the Electron binary, which cannot be downloaded on the build machine. electron-builder.yml is validated by
// electron-builder's own schema check; the afterPack hook is loaded the way electron-builder loads it and run on a
// stand-in binary; the `files` and `extraResources` patterns are applied with electron-builder's own matchers to a
// dist/ built by the project's own build commands; the deb's after-install script runs into a scratch root; and the
// native addons @electron/rebuild would rebuild are found by its own discovery, with the ABI it would build for.
// Each check is shown failing on a broken copy of what it checks.
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { FuseState, SENTINEL } from '@electron/fuses/dist/constants';
import { rebuild } from '@electron/rebuild';
import type { AfterPackContext, Configuration } from 'app-builder-lib';
import { getFileMatchers } from 'app-builder-lib/out/fileMatcher';
import FpmTarget from 'app-builder-lib/out/targets/FpmTarget';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { resolveFunction } from 'app-builder-lib/out/util/resolve';
import { DebugLogger } from 'builder-util';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { dayroomFuses } from '../../../scripts/electron-fuses';
import { makeTempDir } from '../../support/temp-dir';

const repoRoot = process.cwd();
const configPath = join(repoRoot, 'electron-builder.yml');
const afterInstallPath = join(repoRoot, 'deploy/linux/deb-after-install.sh');
const require = createRequire(import.meta.url);

/** The native addons the app needs rebuilt for Electron: the store, the HID swipe readers, the serial readers. */
const nativeAddons = ['@serialport/bindings-cpp', 'better-sqlite3-multiple-ciphers', 'node-hid'];

/** What electron-builder.yml must say for the installers docs/deployment.md §11 describes; read, not assumed. */
const installerConfig = z.object({
  afterPack: z.string(),
  asar: z.literal(true),
  npmRebuild: z.literal(true),
  productName: z.string(),
  linux: z.object({ executableName: z.string(), target: z.array(z.string()) }),
  deb: z.object({ depends: z.array(z.string()), afterInstall: z.string() }),
  win: z.object({ target: z.array(z.string()) }),
  nsis: z.object({ perMachine: z.literal(true) }),
});

function readConfig(): Configuration {
  // The Configuration type is electron-builder's; validateConfiguration below is what holds the file to it.
  return parseYaml(readFileSync(configPath, 'utf8')) as Configuration;
}

/** electron-builder's schema check, as `electron-builder` runs it before anything is built: the worded error or null. */
async function schemaProblem(config: Configuration): Promise<string | null> {
  try {
    await validateConfiguration(config, new DebugLogger(false));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Every file under root the filter accepts, relative to root, descending only into folders it accepts. */
function acceptedFiles(root: string, accepts: (file: string, stat: Stats) => boolean): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      const stat = statSync(path);
      if (!accepts(path, stat)) continue;
      if (stat.isDirectory()) walk(path);
      else found.push(relative(root, path));
    }
  };
  walk(root);
  return found.sort();
}

/**
 * The files electron-builder would pack from appDir into the asar, by the config's own `files` patterns and its own
 * matcher (its built-in exclusions of node_modules and the like only ever take more away).
 */
function packedFiles(config: Configuration, appDir: string): string[] {
  const matchers = getFileMatchers(config, 'files', 'app', {
    macroExpander: (pattern) => pattern,
    customBuildOptions: config.linux ?? {},
    globalOutDir: join(appDir, 'release'),
    defaultSrc: appDir,
  });
  if (matchers === null) return [];
  return matchers.flatMap((matcher) => acceptedFiles(matcher.from, matcher.createFilter()));
}

/** What the packaged file list must be: the shell and the screens, nothing a device does not run. */
function fileListProblems(files: readonly string[]): string[] {
  const problems: string[] = [];
  for (const needed of ['package.json', 'dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html']) {
    if (!files.includes(needed)) problems.push(`${needed} is not packed`);
  }
  for (const file of files) {
    if (file.endsWith('.map')) problems.push(`${file} is packed: source maps stay on the build machine`);
    else if (/(^|\/)(test|tests|__tests__)\/|\.(test|spec)\.[cm]?[jt]sx?$/.test(file)) problems.push(`${file} is packed: it is a test`);
    else if (file !== 'package.json' && !file.startsWith('dist/')) problems.push(`${file} is packed: only dist/ and package.json belong in the app`);
  }
  return problems;
}

/** The extraResources files: where each comes from, and its path under the packaged app's resources folder. */
function resourceFiles(config: Configuration): { source: string; destination: string }[] {
  const matchers = getFileMatchers(config, 'extraResources', 'resources', {
    macroExpander: (pattern) => pattern,
    customBuildOptions: config.linux ?? {},
    globalOutDir: join(repoRoot, 'release'),
    defaultSrc: repoRoot,
  });
  if (matchers === null) return [];
  // As electron-builder's copyFiles does: a set with no patterns of its own (or only exclusions) starts from everything.
  for (const matcher of matchers) if (matcher.isEmpty() || matcher.containsOnlyIgnore()) matcher.prependPattern('**/*');
  return matchers.flatMap((matcher) =>
    // A single file (package.json as app-package.json) is copied to its `to`, as electron-builder copies one.
    statSync(matcher.from).isFile()
      ? [{ source: matcher.from, destination: relative('resources', matcher.to) }]
      : acceptedFiles(matcher.from, matcher.createFilter()).map((file) => ({
          source: join(matcher.from, file),
          destination: join(relative('resources', matcher.to), file),
        })),
  );
}

/** Fills in the deb script's ${macro}s as electron-builder's FpmTarget does; an unknown macro fails the build there, so here too. */
function renderDebScript(template: string, macros: Readonly<Record<string, string>>): string {
  return template.replace(/\${([a-zA-Z]+)}/g, (_match, name: string) => {
    const value = macros[name];
    if (value === undefined) throw new Error(`Macro ${name} is not defined`);
    return value;
  });
}

/** A file shaped like an Electron executable's fuse wire (sentinel, version, length, one byte per fuse), all defaults. */
function standInElectronBinary(): Buffer {
  const wire = [
    FuseState.ENABLE,
    FuseState.DISABLE,
    FuseState.ENABLE,
    FuseState.ENABLE,
    FuseState.DISABLE,
    FuseState.DISABLE,
    FuseState.DISABLE,
    FuseState.ENABLE,
  ];
  return Buffer.concat([Buffer.from('\x7fELF…'), Buffer.from(SENTINEL), Buffer.from([1, wire.length, ...wire]), Buffer.from('…')]);
}

/** The native addons @electron/rebuild finds among the production dependencies; stopped before it builds any. */
async function addonsToRebuild(electronVersion: string): Promise<string[]> {
  const stopBeforeBuilding = new Error('stop before building');
  let found: string[] = [];
  // The platform and arch are the Linux kiosk's; the address for headers is closed, so an attempt to build would fail
  // at once rather than reach the network.
  const run = rebuild({
    buildPath: repoRoot,
    projectRootPath: repoRoot,
    electronVersion,
    platform: 'linux',
    arch: 'x64',
    mode: 'sequential',
    headerURL: 'http://127.0.0.1:9/',
  });
  run.lifecycle.on('modules-found', (modules: string[]) => {
    found = modules;
    // Thrown inside rebuild's own emit: its promise rejects before the first module is touched.
    throw stopBeforeBuilding;
  });
  await run.then(
    () => undefined,
    (error: unknown) => {
      if (error !== stopBeforeBuilding) throw error;
    },
  );
  return [...found].sort();
}

/** The ABI node-abi gives an Electron version: the very node-abi @electron/rebuild imports, not whichever is hoisted. */
async function electronAbi(electronVersion: string): Promise<string> {
  const rebuildRequire = createRequire(require.resolve('@electron/rebuild'));
  const nodeAbi: unknown = await import(pathToFileURL(rebuildRequire.resolve('node-abi')).href);
  const { getAbi } = z.object({ getAbi: z.custom<(version: string, runtime: string) => string>((value) => typeof value === 'function') }).parse(nodeAbi);
  return getAbi(electronVersion, 'electron');
}

const installedElectron = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(join(repoRoot, 'node_modules/electron/package.json'), 'utf8')));

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema check and says what the installers need', async () => {
    const config = readConfig();
    expect(await schemaProblem(config)).toBeNull();
    const installers = installerConfig.parse(config);
    // tar.gz: the unpacked app, packed, is the electron-linux update the hub serves (docs/deployment.md §12).
    expect(installers.linux.target).toEqual(['AppImage', 'deb', 'tar.gz']);
    expect(installers.win.target).toEqual(['nsis']);
    // Asar integrity is recorded unless turned off; the fuse that makes Electron enforce it is on.
    expect(config.disableAsarIntegrity).not.toBe(true);
    expect(dayroomFuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(dayroomFuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
  });

  it('refuses a broken copy, naming the field', async () => {
    const misspelt = { ...readConfig(), nsis: { perMachine: 'yes' } } as unknown as Configuration;
    expect(await schemaProblem(misspelt)).toMatch(/perMachine/);
    const unknownOption = { ...readConfig(), linux: { targets: ['deb'] } } as unknown as Configuration;
    expect(await schemaProblem(unknownOption)).toMatch(/configuration\.linux /);
  });

  it('keeps every package electron-builder’s deb would depend on when it names its own', () => {
    const getDefaultDepends: unknown = Reflect.get(FpmTarget.prototype, 'getDefaultDepends');
    if (typeof getDefaultDepends !== 'function') throw new Error('app-builder-lib’s FpmTarget no longer has getDefaultDepends: check what its deb depends on');
    const electronBuilderDepends = z.array(z.string()).min(1).parse(getDefaultDepends('deb'));
    const { depends } = installerConfig.parse(readConfig()).deb;
    expect(electronBuilderDepends.filter((name) => !depends.includes(name))).toEqual([]);
    expect(depends).toEqual(expect.arrayContaining(['libusb-1.0-0', 'libudev1', 'udev']));
  });
});

describe('the afterPack hook', () => {
  const scratch = makeTempDir('dayroom-after-pack-');
  afterAll(() => scratch.remove());

  it.each([
    ['linux', 'dayroom'],
    ['win32', 'Dayroom.exe'],
  ] as const)('loads as electron-builder loads it and sets the fuses in the packed %s binary', async (platform, binaryName) => {
    const { afterPack } = installerConfig.parse(readConfig());
    const hook = await resolveFunction<unknown>(undefined, afterPack, 'afterPack', repoRoot);
    if (typeof hook !== 'function') throw new Error(`afterPack (${afterPack}) does not export a function`);
    const appOutDir = join(scratch.path, platform);
    mkdirSync(appOutDir);
    writeFileSync(join(appOutDir, binaryName), standInElectronBinary());
    // The fields of electron-builder's AfterPackContext the hook reads; the rest it never touches.
    const context = {
      appOutDir,
      electronPlatformName: platform,
      packager: { executableName: 'dayroom', appInfo: { productFilename: 'Dayroom' } },
    } as unknown as AfterPackContext;
    await hook(context);
    const wire = await getCurrentFuseWire(join(appOutDir, binaryName));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
  });

  it('fails the package when the hook named is not there', async () => {
    await expect(resolveFunction<unknown>(undefined, 'scripts/electron-after-pack-missing.cjs', 'afterPack', repoRoot)).rejects.toThrow(
      /electron-after-pack-missing/,
    );
  });
});

describe('the packed files, from a dist/ built by the project’s own commands', () => {
  const appDir = makeTempDir('dayroom-package-app-');
  beforeAll(() => {
    // Built into a scratch copy so no other test ever sees dist/ half rebuilt.
    execFileSync('npx', ['tsx', 'scripts/build-electron.ts', '--out-dir', join(appDir.path, 'dist/electron')], { stdio: 'pipe' });
    execFileSync(
      'npx',
      ['vite', 'build', '--config', 'renderer/vite.config.ts', '--outDir', join(appDir.path, 'dist/renderer'), '--emptyOutDir', '--logLevel', 'error'],
      {
        stdio: 'pipe',
      },
    );
    cpSync(join(repoRoot, 'package.json'), join(appDir.path, 'package.json'));
  }, 120_000);
  afterAll(() => appDir.remove());

  it('packs the shell, the screens and package.json, and no source map or test', () => {
    const files = packedFiles(readConfig(), appDir.path);
    expect(fileListProblems(files)).toEqual([]);
    // package.json's "main" is what Electron starts: it must be among them.
    const main = z.object({ main: z.string() }).parse(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))).main;
    expect(files).toContain(main);
  });

  it('catches a copy without the source-map exclusion, and one whose pattern matches nothing', () => {
    // The build leaves source maps beside the bundles, so dropping the exclusion must show.
    expect(readdirSync(join(appDir.path, 'dist/electron')).some((name) => name.endsWith('.map'))).toBe(true);
    const withMaps = { ...readConfig(), files: ['dist/**', 'package.json'] };
    expect(fileListProblems(packedFiles(withMaps, appDir.path))).toEqual(expect.arrayContaining([expect.stringMatching(/main\.cjs\.map is packed/)]));
    const misspelt = { ...readConfig(), files: ['dist/electorn/**', 'package.json'] };
    expect(fileListProblems(packedFiles(misspelt, appDir.path))).toEqual(expect.arrayContaining(['dist/electron/main.cjs is not packed']));
    const tooMuch = { ...readConfig(), files: ['**/*', '!node_modules'] };
    const leftover = join(appDir.path, 'dist/renderer/leftover.test.ts');
    writeFileSync(leftover, '');
    try {
      expect(fileListProblems(packedFiles(tooMuch, appDir.path))).toEqual(
        expect.arrayContaining([expect.stringMatching(/leftover\.test\.ts is packed: it is a test/)]),
      );
    } finally {
      // Gone again, so the order the tests run in does not matter.
      rmSync(leftover);
    }
  });
});

describe('the deb’s after-install script', () => {
  const scratch = makeTempDir('dayroom-deb-root-');
  afterAll(() => scratch.remove());

  const template = readFileSync(afterInstallPath, 'utf8');
  const macros = { executable: 'dayroom', sanitizedProductName: 'Dayroom', productFilename: 'Dayroom' };

  it('starts with electron-builder’s own after-install steps, unchanged', () => {
    const electronBuilderTemplate = readFileSync(require.resolve('app-builder-lib/templates/linux/after-install.tpl'), 'utf8');
    const withoutShebang = electronBuilderTemplate.replace(/^#!.*\n/, '');
    expect(template.includes(withoutShebang), 'deploy/linux/deb-after-install.sh must carry app-builder-lib’s after-install.tpl verbatim').toBe(true);
    expect(() => renderDebScript(template, macros)).not.toThrow();
    expect(spawnSync('bash', ['-n'], { input: renderDebScript(template, macros) }).status).toBe(0);
  });

  /** Runs Dayroom's part of the rendered script into root, as dpkg runs it into an image (DPKG_ROOT). */
  function runDayroomSteps(root: string): { status: number | null; stdout: string; stderr: string } {
    const rendered = renderDebScript(template, macros);
    const ownPart = rendered.slice(rendered.indexOf('# ---- Dayroom ----'));
    const result = spawnSync('bash', ['-c', ownPart], { encoding: 'utf8', env: { ...process.env, DPKG_ROOT: root } });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** A root with the package's files where the deb puts them: the app in /opt/Dayroom, extraResources in its resources. */
  function rootWithPackage(name: string): string {
    const root = join(scratch.path, name);
    for (const { source, destination } of resourceFiles(readConfig())) {
      const target = join(root, 'opt/Dayroom/resources', destination);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(source, target);
    }
    return root;
  }

  it('installs the readers’ udev rules and makes /etc/dayroom, and never touches a site file', () => {
    const destinations = resourceFiles(readConfig()).map(({ destination }) => destination);
    expect(destinations).toEqual(
      expect.arrayContaining(['deploy/linux/70-dayroom-readers.rules', 'deploy/linux/install-kiosk.sh', 'deploy/linux/dayroom-launch', 'app-package.json']),
    );
    const fresh = rootWithPackage('fresh');
    const first = runDayroomSteps(fresh);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const rules = join(fresh, 'etc/udev/rules.d/70-dayroom-readers.rules');
    expect(readFileSync(rules, 'utf8')).toBe(readFileSync(join(repoRoot, 'deploy/linux/70-dayroom-readers.rules'), 'utf8'));
    expect(statSync(rules).mode & 0o777).toBe(0o644);
    expect(statSync(join(fresh, 'etc/dayroom')).isDirectory()).toBe(true);
    expect(existsSync(join(fresh, 'etc/dayroom/site.yaml'))).toBe(false);
    expect(first.stdout).toMatch(/no site file yet.*install-kiosk\.sh --variant electron/);
    expect(readdirSync(join(fresh, 'etc/udev/rules.d'))).toEqual(['70-dayroom-readers.rules']);

    const siteFile = join(fresh, 'etc/dayroom/site.yaml');
    writeFileSync(siteFile, 'the facility: its own words\n', { mode: 0o640 });
    chmodSync(siteFile, 0o640);
    expect(runDayroomSteps(fresh).status).toBe(0);
    expect(readFileSync(siteFile, 'utf8')).toBe('the facility: its own words\n');
    expect(statSync(siteFile).mode & 0o777).toBe(0o640);
  });

  it('stops with a sentence when the package lacks the rules', () => {
    const broken = join(scratch.path, 'broken');
    mkdirSync(broken);
    const result = runDayroomSteps(broken);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/udev rules are missing from the package/);
    expect(existsSync(join(broken, 'etc/udev/rules.d/70-dayroom-readers.rules'))).toBe(false);
  });
});

describe('the native addons rebuilt for Electron', () => {
  it('are exactly the store’s and the readers’, each with a binding.gyp, found by @electron/rebuild', async () => {
    expect(await addonsToRebuild(installedElectron.version)).toEqual(nativeAddons);
    for (const addon of nativeAddons) expect(existsSync(join(repoRoot, 'node_modules', addon, 'binding.gyp')), addon).toBe(true);
  });

  it('target the ABI of the installed Electron', async () => {
    // The electron package records its binary's ABI; node-abi must give the same, or the rebuilt addons would not load.
    const recorded = readFileSync(join(repoRoot, 'node_modules/electron/abi_version'), 'utf8').trim();
    expect(await electronAbi(installedElectron.version)).toBe(recorded);
    await expect(electronAbi('999.0.0')).rejects.toThrow(/999\.0\.0/);
  });
});
