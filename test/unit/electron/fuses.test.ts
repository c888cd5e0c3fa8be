// The fuses compiled into the packaged binary are the ones docs/security.md §12 "The Electron checklist", item 19 requires, every known fuse is
// set on purpose, and the afterPack hook writes exactly that map — checked on a stand-in binary that carries
// a fuse wire the way Electron's does (a sentinel, then version, length and one byte per fuse).
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { FuseState, SENTINEL } from '@electron/fuses/dist/constants';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyFuses, dayroomFuses } from '../../../scripts/electron-fuses';

const fuseOptions = Object.values(FuseV1Options).filter((value): value is FuseV1Options => typeof value === 'number');

/** Electron's own defaults for the eight fuses @electron/fuses knows, then one newer fuse it does not. */
const electronDefaultWire = [
  FuseState.ENABLE, // RunAsNode
  FuseState.DISABLE, // EnableCookieEncryption
  FuseState.ENABLE, // EnableNodeOptionsEnvironmentVariable
  FuseState.ENABLE, // EnableNodeCliInspectArguments
  FuseState.DISABLE, // EnableEmbeddedAsarIntegrityValidation
  FuseState.DISABLE, // OnlyLoadAppFromAsar
  FuseState.DISABLE, // LoadBrowserProcessSpecificV8Snapshot
  FuseState.ENABLE, // GrantFileProtocolExtraPrivileges
  FuseState.ENABLE, // a fuse newer than @electron/fuses
];

function standInBinary(wire: readonly number[]): Buffer {
  return Buffer.concat([
    Buffer.from('\x7fELF…code before the wire…'),
    Buffer.from(SENTINEL),
    Buffer.from([1, wire.length, ...wire]),
    Buffer.from('…code after'),
  ]);
}

const expectedState = (enabled: boolean): FuseState => (enabled ? FuseState.ENABLE : FuseState.DISABLE);

describe('dayroomFuses', () => {
  it.each([
    [FuseV1Options.RunAsNode, false],
    [FuseV1Options.EnableNodeCliInspectArguments, false],
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable, false],
    [FuseV1Options.EnableCookieEncryption, true],
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation, true],
    [FuseV1Options.OnlyLoadAppFromAsar, true],
    [FuseV1Options.GrantFileProtocolExtraPrivileges, false],
  ])('sets fuse %s to %s', (fuse, wanted) => {
    expect(dayroomFuses[fuse]).toBe(wanted);
  });

  it('decides every fuse @electron/fuses knows, and nothing else', () => {
    expect(Object.keys(dayroomFuses).map(Number).sort()).toEqual([...fuseOptions].sort());
    for (const fuse of fuseOptions) expect(typeof dayroomFuses[fuse]).toBe('boolean');
  });
});

describe('writing the fuses into a binary', () => {
  let workDir: string;
  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'dayroom-fuses-'));
  });
  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('applyFuses sets every fuse as dayroomFuses says and leaves fuses it does not know alone', async () => {
    const binary = join(workDir, 'dayroom');
    await writeFile(binary, standInBinary(electronDefaultWire));
    await applyFuses(binary);
    const wire = await getCurrentFuseWire(binary);
    for (const fuse of fuseOptions) expect(wire[fuse], FuseV1Options[fuse]).toBe(expectedState(dayroomFuses[fuse]));
    expect((wire as Record<number, FuseState>)[8]).toBe(FuseState.ENABLE);
  });

  it('applyFuses fails when a fuse could not be set (the binary marks it removed)', async () => {
    const binary = join(workDir, 'dayroom');
    await writeFile(binary, standInBinary([FuseState.REMOVED, ...electronDefaultWire.slice(1)]));
    await expect(applyFuses(binary)).rejects.toThrow(/RunAsNode/);
  });

  it('the electron-builder afterPack hook applies the same map to the packed Linux executable', async () => {
    const binary = join(workDir, 'dayroom');
    await writeFile(binary, standInBinary(electronDefaultWire));
    const afterPack = createRequire(import.meta.url)('../../../scripts/electron-after-pack.cjs') as { default: (context: object) => Promise<void> };
    await afterPack.default({ appOutDir: workDir, electronPlatformName: 'linux', packager: { executableName: 'dayroom' } });
    const wire = await getCurrentFuseWire(binary);
    for (const fuse of fuseOptions) expect(wire[fuse], FuseV1Options[fuse]).toBe(expectedState(dayroomFuses[fuse]));
  });
});
