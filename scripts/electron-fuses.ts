// Electron fuses for the packaged kiosk (docs/security.md §12 "The Electron checklist", item 19): switches compiled into the Electron binary
// that no command line or environment variable can turn back. The one definition; electron-after-pack.cjs
// applies it to every packed binary and test/unit/electron/fuses.test.ts checks it.
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { FuseState } from '@electron/fuses/dist/constants';

/** Every fuse @electron/fuses knows, each set on purpose: the Record type makes a new one a compile error. */
export const dayroomFuses: Readonly<Record<FuseV1Options, boolean>> = {
  // ELECTRON_RUN_AS_NODE would turn the kiosk binary into a plain Node with the app's privileges.
  [FuseV1Options.RunAsNode]: false,
  // --inspect and friends would open a debugger into the main process.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // NODE_OPTIONS could preload arbitrary code into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // Cookies and other network state encrypted at rest with the OS key store.
  [FuseV1Options.EnableCookieEncryption]: true,
  // The app.asar must match the hash recorded at packaging (enforced by Electron where the platform supports it).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Only the packaged app.asar is loaded, never a loose app folder dropped beside it.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // file:// gets no more than an ordinary web origin; our content comes from app:// (item 18).
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  // We ship no browser-process-specific V8 snapshot.
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
};

type FuseEntry = [fuse: FuseV1Options, enabled: boolean];
const dayroomFuseEntries: readonly FuseEntry[] = (Object.keys(dayroomFuses) as `${FuseV1Options}`[]).map((key) => {
  const fuse = Number(key) as FuseV1Options;
  return [fuse, dayroomFuses[fuse]];
});

function namesOf(entries: readonly FuseEntry[]): string {
  return entries.map(([fuse]) => FuseV1Options[fuse]).join(', ');
}

/**
 * Flips dayroomFuses in the Electron binary at electronBinaryPath (the executable on Linux and Windows, the
 * .app bundle on macOS) and reads the wire back. A fuse the binary marks as removed fails the package
 * instead of passing with a warning: the switch it stood for no longer exists, and what replaced it needs a look.
 */
export async function applyFuses(electronBinaryPath: string): Promise<void> {
  const before = await getCurrentFuseWire(electronBinaryPath);
  const removed = dayroomFuseEntries.filter(([fuse]) => before[fuse] === FuseState.REMOVED);
  if (removed.length > 0) throw new Error(`This Electron binary no longer has these fuses: ${namesOf(removed)} (${electronBinaryPath})`);

  await flipFuses(electronBinaryPath, { version: FuseVersion.V1, ...dayroomFuses });

  const after = await getCurrentFuseWire(electronBinaryPath);
  const notSet = dayroomFuseEntries.filter(([fuse, enabled]) => after[fuse] !== (enabled ? FuseState.ENABLE : FuseState.DISABLE));
  if (notSet.length > 0) throw new Error(`Electron fuses not set as required: ${namesOf(notSet)} (${electronBinaryPath})`);
}
