// Starts a device runtime and the web host around it: `tsx main/host/cli.ts --config site.yaml --data ./data`.
// Prints one `DAYROOM_HOST_READY {json}` line for scripts and tests, and the URL for people.
// `--simulated-hid <socket>` (development and tests only) puts a simulated MagTek swipe reader in place of node-hid,
// driven over that Unix socket by `npm run simulate` and the e2e tests: no USB device is needed, none is touched.
import { parseArgs } from 'node:util';
import { startSimulatedHidMagstripe, type SimulatedHidMagstripe } from '../../hardware/simulators/hid-magstripe-simulator';
import { KioskConfigError, loadKioskConfig } from '../../kiosk-config/load';
import { StoreKeyError } from '../store/store-encryption';
import { appVersion, createDeviceRuntime, type DeviceRuntime } from '../runtime';
import { isStorageFull } from '../store/storage-full';
import { createSwitchableBridge, deviceFullBridge, fullDiskRetryMs } from './device-full-start';
import { createDeviceLogger } from '../logging';
import { RendererNotBuiltError, startWebHost, type WebHost } from './server';

import { loadOrCreateHostToken } from './host-token';
import { hostReadyMarker } from './marker';
import { exitCodeRestartRequested } from './restart-exit-code';
import { isAddressInUse, keepHostPort, readKeptHostPort } from './host-port';
import { answersWithin, createSystemdNotifier } from '../../platform/systemd-notify';
import { createOffsetClock, followClockFile, testClockEnv, type OffsetClock } from './test-clock';
import { installRootEnv } from '../update/install-layout';
import { confirmHealthOfTrial } from '../update/health-confirmation';

export { exitCodeRestartRequested };

/** How long the device has to answer device.info for the systemd watchdog to be fed: well under any WatchdogSec. */
const watchdogAnswerMs = 5_000;

/** How long after start the first update check runs, in ms (tests); left out, a minute. */
const firstUpdateCheckEnv = 'DAYROOM_FIRST_UPDATE_CHECK_MS';

/** The page answers 200 at the address the browser holds. */
async function pageServed(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(watchdogAnswerMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      data: { type: 'string' },
      // No default: left out, the port of the last start (host-port.ts), so a supervised restart keeps the address.
      port: { type: 'string' },
      renderer: { type: 'string', default: 'dist/renderer' },
      'simulated-hid': { type: 'string' },
      'test-clock-file': { type: 'string' },
    },
  });
  if (!values.config || !values.data) {
    console.error(
      [
        'usage: tsx main/host/cli.ts --config <site file> --data <data folder> [--port N] [--renderer dist/renderer] [--simulated-hid <socket path>]',
        "  --port N                        left out: the port this data folder's host listened on last (kept in the data folder),",
        '                                 else a free one; 0 asks for a new free port every start',
        '  --simulated-hid <socket path>  development and tests only: HID magstripe readers read a simulated MagTek reader',
        '                                 controlled over this Unix socket (npm run simulate -- swipe|unplug|replug magstripe)',
        '                                 instead of USB; never use it on a kiosk in service',
        `  --test-clock-file <path>        tests only, and only with ${testClockEnv}=1: the device's clock runs {"offsetMs": N}`,
        '                                 ahead of the real time, as that file says at each change (days pass for the tablet lock rule)',
      ].join('\n'),
    );
    process.exit(2);
  }
  const askedPort = values.port === undefined ? null : Number(values.port);
  if (askedPort !== null && (!/^\d+$/.test(values.port ?? '') || askedPort > 65535)) {
    console.error(`--port must be a whole number from 0 to 65535, not ${values.port}`);
    process.exit(2);
  }
  const logger = createDeviceLogger({ dataDir: values.data });
  let testClock: OffsetClock | null = null;
  let stopFollowingClock = (): void => undefined;
  if (values['test-clock-file'] !== undefined) {
    // A device whose clock anyone can move would let a tablet's lock rule be dodged: never outside a test.
    if (process.env[testClockEnv] !== '1') {
      console.error(`--test-clock-file is for tests only and needs ${testClockEnv}=1 in the environment`);
      process.exit(2);
    }
    testClock = createOffsetClock();
    stopFollowingClock = followClockFile(values['test-clock-file'], testClock, (problem) => logger.warn({ problem }, 'the test clock file could not be read'));
    logger.warn({ file: values['test-clock-file'] }, 'the device clock follows a test clock file (tests only)');
  }
  let simulatedHid: SimulatedHidMagstripe | null = null;
  if (values['simulated-hid'] !== undefined) {
    simulatedHid = await startSimulatedHidMagstripe({ socketPath: values['simulated-hid'] });
    // In the log too, so a kiosk that somehow runs with it is plain to see in a support bundle.
    logger.warn({ socket: simulatedHid.socketPath }, 'HID readers use the simulated magstripe reader (development/test only)');
    console.log(`Simulated HID magstripe reader: control socket ${simulatedHid.socketPath} (development/test only)`);
  }
  // Set once `stop` exists (below); staff can only ask for a restart after the host is serving.
  let restart = (): void => undefined;
  // Read first and alone: a site file that is wrong stops the start in words, whatever the disk.
  const config = loadKioskConfig(values.config);
  const dataDir = values.data;
  // Set by deploy/linux/dayroom-launch: this app is an installed version that may update itself (docs/deployment.md §12).
  const installRoot = process.env[installRootEnv];
  // Tests only: the first update check sooner than a minute after start.
  const firstUpdateCheckMs = /^\d+$/.test(process.env[firstUpdateCheckEnv] ?? '') ? Number(process.env[firstUpdateCheckEnv]) : undefined;
  const startRuntime = (): Promise<DeviceRuntime> =>
    createDeviceRuntime({
      config,
      dataDir,
      logger,
      ...(simulatedHid === null ? {} : { hid: simulatedHid.loader }),
      onRestartRequested: () => restart(),
      ...(installRoot === undefined ? {} : { installation: { root: installRoot, variant: 'webhost-linux' as const } }),
      ...(testClock === null ? {} : { clock: testClock, now: testClock.now }),
      ...(firstUpdateCheckMs === undefined ? {} : { firstUpdateCheckMs }),
    });
  let runtime: DeviceRuntime | null = null;
  try {
    runtime = await startRuntime();
  } catch (error) {
    // A full disk is a state with a screen, not a crash the supervisor restarts into the same crash again.
    if (!isStorageFull(error)) throw error;
    logger.error({ err: error }, 'the device could not start: its disk is full; the screen says so, and it starts by itself once space is freed');
    console.error('The device could not start: its disk is full. Its screen says so; it starts by itself once space is freed.');
  }
  const bridge = createSwitchableBridge(runtime?.bridge ?? deviceFullBridge(config, appVersion));
  // The same token across restarts: with a fixed --port, an open page reconnects to the restarted host by itself.
  const { token, source: tokenSource } = loadOrCreateHostToken(dataDir);
  logger.info({ tokenSource }, 'web host token');
  const startHostOn = (listenPort: number) =>
    startWebHost({
      bridge,
      // Through `runtime` at each request: there is none while the device waits for space.
      attachments: (messageId, attachmentId, captionsLanguage) =>
        runtime?.attachment(messageId, attachmentId, captionsLanguage) ?? { ok: false, refusal: 'notSignedIn', problem: 'the device has not started' },
      rendererDir: values.renderer,
      port: listenPort,
      logger,
      token,
    });
  const keptPort = askedPort === null ? readKeptHostPort(dataDir) : null;
  let host: WebHost;
  try {
    host = await startHostOn(askedPort ?? keptPort ?? 0);
  } catch (error) {
    // Something else took the kept port meanwhile: serve on a new one rather than not at all; the page then needs
    // the new address, printed below and logged.
    if (keptPort === null || !isAddressInUse(error)) throw error;
    logger.warn({ keptPort }, 'the web host port kept from the last start is taken; listening on a new one');
    console.error(`Port ${keptPort}, where this kiosk listened before, is taken: serving on a new port (open the new address below).`);
    host = await startHostOn(0);
  }
  if (askedPort === null) {
    const listening = Number(new URL(host.origin).port);
    if (listening !== keptPort && keepHostPort(dataDir, listening) === 'unsaved') {
      logger.warn({ port: listening }, 'the disk is full: the web host port is not kept, so after a restart the page needs the new address');
    }
  }
  console.log(
    `${hostReadyMarker} ${JSON.stringify({ url: host.url, origin: host.origin, pid: process.pid, deviceFull: runtime === null, version: appVersion })}`,
  );
  console.log(`Dayroom kiosk "${config.device.name}" is ready: open ${host.url}`);
  // Under systemd (Type=notify): serving now, and alive for as long as the device answers (docs/deployment.md §5).
  const notifier = createSystemdNotifier({ warn: (problem) => logger.warn({ problem }, 'systemd notification') });
  notifier.ready();
  const stopWatchdog = notifier.startWatchdog(() => answersWithin(() => bridge.call('device.info', {}), watchdogAnswerMs));
  if (installRoot !== undefined) {
    // A version on trial is kept only if the device answers and the page is served (a device waiting for disk space
    // is not yet healthy: its trial stays open, and the next restart goes back to the previous version).
    void confirmHealthOfTrial({
      root: installRoot,
      runningVersion: appVersion,
      healthy: async () => runtime !== null && (await answersWithin(() => bridge.call('device.info', {}), watchdogAnswerMs)) && (await pageServed(host.url)),
      onUnhealthy: () => restart(),
      logger,
    });
  }

  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const retryStart = (): void => {
    retryTimer = setTimeout(() => {
      startRuntime().then(
        (started) => {
          runtime = started;
          bridge.switchTo(started.bridge);
          logger.info('space was freed: the device has started');
          console.log('Space was freed: the device has started.');
          host.reconnectClients();
        },
        (error: unknown) => {
          if (isStorageFull(error)) return retryStart();
          // Anything else is a failed start like any other: said, and left to the supervisor.
          console.error('The Dayroom host could not start:', error);
          process.exit(2);
        },
      );
    }, fullDiskRetryMs);
  };
  if (runtime === null) retryStart();

  let stopping = false;
  const stopGraceMs = 10_000;
  // EX_SOFTWARE: the stop itself went wrong, so a supervisor's log tells it from a clean stop.
  const exitCodeStopOverran = 70;
  const stop = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, exitCode }, 'host stopping');
    // A stop that does not finish (a connection that will not close, a step that will not end) must not leave a kiosk
    // neither serving nor gone: past the grace the process ends as a kill would, which the store survives (WAL).
    setTimeout(() => {
      logger.error({ signal, graceMs: stopGraceMs }, 'host did not stop within its grace; exiting anyway');
      process.exit(exitCode === 0 ? exitCodeStopOverran : exitCode);
    }, stopGraceMs);
    stopWatchdog();
    stopFollowingClock();
    clearTimeout(retryTimer);
    await host.close();
    await runtime?.stop();
    await simulatedHid?.close();
    process.exit(exitCode);
  };
  // Staff's "Restart the app" in service mode, an installed update, a version on trial that failed its health check.
  restart = () => void stop('restart requested', exitCodeRestartRequested);
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof StoreKeyError) {
    // The web host has no OS key store: an encrypted store (an Electron device's data folder) is refused in words.
    console.error(`${error.message} [${error.code}]`);
  } else if (error instanceof KioskConfigError || error instanceof RendererNotBuiltError) {
    console.error(error.message);
  } else {
    console.error('The Dayroom host could not start:', error);
  }
  process.exit(2);
});
