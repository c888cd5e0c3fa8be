// What createDeviceRuntime (main/runtime.ts) is given and what it hands back: the shells' view of a device runtime.
import type { ActorOptions } from 'xstate';
import type { HidLoader } from '../../hardware/drivers/hid-magstripe';
import type { KeyboardWedgeReader } from '../../hardware/drivers/keyboard-wedge';
import type { CredentialReader } from '../../hardware/reader';
import type { KioskConfig } from '../../kiosk-config/schema';
import type { DeviceBridge } from '../bridge/dispatch';
import type { Logger } from '../logging';
import type { AttachmentContent } from '../mail/attachment-content';
import type { kioskSessionMachine } from '../session/kiosk-session';
import type { DeviceDatabase } from '../store/database';
import type { StoreKeyProvider } from '../store/store-key';
import type { StorageReserve } from '../store/storage-reserve';
import type { CredentialVault, EnrollOutcome } from '../sync/credential';
import type { SyncEngine } from '../sync/engine';
import type { UpdateVariant } from '../../rules/app-update';
import type { UpdateAgent } from '../update/update-agent';

import packageJson from '../../package.json' with { type: 'json' };

/**
 * The version of the app that runs: package.json's, the one a published update carries (docs/deployment.md §12), so an
 * installed update says its own version with nothing else to keep in step.
 */
export const appVersion: string = packageJson.version;

export interface DeviceRuntimeOptions {
  /** The site file; ignored when `config` is given. */
  readonly configFile?: string;
  readonly config?: KioskConfig;
  /** Holds the store (device.sqlite) and the logs. */
  readonly dataDir: string;
  /** The session machine's clock; a SimulatedClock in tests. */
  readonly clock?: ActorOptions<typeof kioskSessionMachine>['clock'];
  /** Wall-clock time for stored timestamps and lockouts; must agree with `clock`. */
  readonly now?: () => number;
  /** Readers to use instead of the ones the site file names (tests inject their own). */
  readonly readers?: readonly CredentialReader[];
  readonly logger?: Logger;
  /** The sync backoff's jitter; tests pin it. */
  readonly random?: () => number;
  /** How the sync engine reaches the hub; tests may wrap it. */
  readonly fetch?: typeof fetch;
  /**
   * Where a keyboard-mode reader's reads are taken off the keyboard: 'page' (the default, the web host) tells the page
   * the detector settings in DeviceInfo and takes its reads through device.keyboardRead; 'shell' (Electron, whose main
   * process sees every key first) gives the page nothing and refuses that call, so exactly one detector runs and card
   * keys never reach the renderer. The shell then feeds `shellKeyboardWedge` directly.
   */
  readonly keyboardWedgeDetection?: 'page' | 'shell';
  /**
   * The USB HID library for HID readers; default the real node-hid. The web host's `--simulated-hid`, the demo and
   * the e2e tests pass the socket-driven simulator (hardware/simulators/hid-magstripe-simulator.ts).
   */
  readonly hid?: HidLoader;
  /**
   * How the shell restarts the app when staff ask (service.restart): the web host's CLI exits with the code its
   * supervisor restarts on; Electron relaunches itself. Called after the runtime answered and signed the staff member
   * out; the shell is expected to stop the runtime. Without it, service.restart is refused as unavailable.
   */
  readonly onRestartRequested?: () => void;
  /**
   * Where the hub credential is kept; default the 0600 file in the data folder. The Electron shell passes a vault
   * sealed with safeStorage where a real backend exists (main/electron/safe-storage-vault.ts).
   */
  readonly vault?: CredentialVault;
  /**
   * Where the store's key comes from; default none, which leaves the store unencrypted (plain Node has no OS key store).
   * The Electron shell passes a key sealed with safeStorage where a real backend exists (main/electron/safe-storage-vault.ts).
   */
  readonly storeKey?: StoreKeyProvider;
  /** Bytes kept back on the disk for sync's pushes and sign-outs (main/store/storage-reserve.ts); tests use less. */
  readonly storageReserveBytes?: number;
  /** How often the disk is looked at again, so the reserve comes back and drafts resume by themselves; default 30 s. */
  readonly storageCheckMs?: number;
  /** Where a tablet reads its battery (Linux sysfs, platform/power-supply.ts); tests give a folder of their own. */
  readonly powerSupplyRoot?: string;
  /**
   * Set by a shell started by the launcher (deploy/linux/dayroom-launch, DAYROOM_INSTALL_ROOT): where this app is
   * installed and which build it is. Without it, or without the site file's updates section, the device never updates
   * itself (docs/deployment.md §12).
   */
  readonly installation?: { readonly root: string; readonly variant: UpdateVariant };
  /** How long after start the first update check runs; default a minute (tests ask at once with checkNow). */
  readonly firstUpdateCheckMs?: number;
}

export interface DeviceRuntime {
  readonly config: KioskConfig;
  readonly bridge: DeviceBridge;
  readonly database: DeviceDatabase;
  /** The sync engine, once the device holds a hub credential; null before enrollment. */
  readonly sync: SyncEngine | null;
  /** The keyboard-mode reader, for a shell created with keyboardWedgeDetection 'shell'; null otherwise or without one. */
  readonly shellKeyboardWedge: KeyboardWedgeReader | null;
  /** The disk's free space and the reserve (service mode shows it; tests fill the disk and watch it). */
  readonly storage: StorageReserve;
  /**
   * Enrolls the device with a one-time code from the hub and starts syncing. Until service mode has its screens,
   * the demo and the tests call this directly.
   */
  enroll(hubUrl: string, code: string): Promise<EnrollOutcome>;
  /**
   * The bytes of an attachment of the signed-in person's own mail, checked (main/mail/attachment-content.ts). The web
   * host's attachment route and the Electron app protocol both serve through this, so the rule is in one place.
   */
  attachment(messageId: string, attachmentId: string, captionsLanguage?: string | null): AttachmentContent;
  /** App updates from the hub, when this installation takes them (main/update/); null otherwise. */
  readonly updates: UpdateAgent | null;
  stop(): Promise<void>;
}

/** The site file's path, when no parsed site file was handed in: one or the other is needed to build a device. */
export function requireConfigFile(file: string | undefined): string {
  if (!file) throw new Error('createDeviceRuntime needs configFile or config');
  return file;
}
