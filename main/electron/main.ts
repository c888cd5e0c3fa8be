// The Electron main process: one locked-down window showing app://dayroom/, the device runtime behind IPC.
// What is allowed is decided in policy.ts; this file connects those decisions to Electron's events.
// Bundled to CommonJS (dist/electron/main.cjs) by scripts/build-electron.ts, so __dirname is that folder.
// "Item N" below is an item of docs/security.md §12 "The Electron checklist".
import { app, BrowserWindow, ipcMain, Menu, powerSaveBlocker, protocol, safeStorage, session, type Session, type WebContents } from 'electron';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { KioskConfigError, loadKioskConfig } from '../../kiosk-config/load';
import { createDeviceLogger, type Logger } from '../logging';
import { installRootEnv } from '../update/install-layout';
import { confirmHealthOfTrial } from '../update/health-confirmation';
import { appVersion, createDeviceRuntime, type DeviceRuntime } from '../runtime';
import { createSwitchableBridge, deviceFullBridge, fullDiskRetryMs } from '../host/device-full-start';
import { isStorageFull } from '../store/storage-full';
import { attachmentRoute } from '../contract';
import { contentTypeHeader } from '../mail/attachment-content';
import { wireDeviceIpc } from './ipc';
import { attachKeyboardWedgeFilter } from './keyboard-wedge-filter';
import { chooseCredentialVault, chooseStoreKey } from './safe-storage-vault';
import { StoreKeyError } from '../store/store-encryption';
import { answersWithin, createSystemdNotifier } from '../../platform/systemd-notify';
import { exitCodeRestartRequested } from '../host/restart-exit-code';
import type { KeyboardWedgeReader } from '../../hardware/drivers/keyboard-wedge';
import {
  appEntryUrl,
  appProtocolPath,
  appScheme,
  contentSecurityPolicy,
  inputFilterDecision,
  isAllowedAppUrl,
  navigationDecision,
  permissionDecision,
  restartBackoffMs,
  windowOpenDecision,
} from './policy';

const rendererDir = join(__dirname, '..', 'renderer');
const preloadFile = join(__dirname, 'preload.cjs');

/** A renderer that stays up this long after loading has its crash count forgiven. */
const healthyAfterMs = 2 * 60_000;
/** How long a hung renderer gets to answer again before it is killed and reloaded. */
const unresponsiveGraceMs = 15_000;
/** sysexits EX_CONFIG: the systemd unit can stop restarting on a broken site file instead of looping. */
const exitCodeBadConfig = 78;
const exitCodeStartFailed = 70;
/**
 * sysexits EX_DATAERR: the store is encrypted and this start's key does not open it (or there is none). Told apart
 * from other failures so a supervisor can stop or slow down on it, with the sentence in the log; a wrong key never
 * comes right by restarting, a keychain that was not running yet may.
 */
const exitCodeStoreKey = 65;
/** How long the device has to answer device.info for the systemd watchdog to be fed: well under the unit's WatchdogSec. */
const watchdogAnswerMs = 5_000;

// ---- Before ready: switches, the app scheme, the sandbox, one instance ----

// Electron follows --user-data-dir itself; setting it here keeps tests' temporary profiles independent of that.
const userDataDirSwitch = app.commandLine.getSwitchValue('user-data-dir');
if (userDataDirSwitch) app.setPath('userData', userDataDirSwitch);

// Item 18: app:// replaces file://. `standard` gives it origins and relative URLs, `secure` makes it a
// secure context, `supportFetchAPI` lets the page fetch attachments from it.
protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
// Item 4: every renderer sandboxed, whatever a window's own options say.
app.enableSandbox();
// Read-aloud (docs/screens.md §12): on Linux, Chromium reaches the system's voices (espeak-ng) only through
// speech-dispatcher, and only when asked to; without it speechSynthesis has no voice and no read-aloud button shows.
if (process.platform === 'linux') app.commandLine.appendSwitch('enable-speech-dispatcher');

if (!app.requestSingleInstanceLock()) {
  // A second copy would fight the first for the readers and the store.
  app.quit();
} else {
  runKiosk();
}

/** Waits up to half a minute for the kiosk window to hold the app's page, loaded and not crashed. */
async function pageShown(keeper: KioskWindowKeeper): Promise<boolean> {
  const shown = (): boolean =>
    keeper.eventRecipients().some((contents) => !contents.isLoading() && !contents.isCrashed() && contents.getURL().startsWith(`${appScheme}://`));
  for (let waitedMs = 0; waitedMs < 30_000; waitedMs += 500) {
    if (shown()) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return shown();
}

function runKiosk(): void {
  const dataDir = app.getPath('userData');
  const installRoot = process.env[installRootEnv];
  const logger = createDeviceLogger({ dataDir }).child({ shell: 'electron' });
  const configFile = app.commandLine.getSwitchValue('config') || process.env.DAYROOM_CONFIG || '';

  process.on('uncaughtException', (error) => {
    // Electron would show a dialog over the kiosk; exit instead and let systemd start a clean copy.
    logger.fatal({ err: error }, 'uncaught exception in the main process');
    app.exit(exitCodeStartFailed);
  });

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, logger));
  app.on('session-created', (createdSession) => hardenSession(createdSession));

  let runtime: DeviceRuntime | null = null;
  let keeper: KioskWindowKeeper | null = null;
  let unwireIpc = (): void => {};
  let quitting = false;
  // Under systemd (deploy/linux/dayroom-kiosk.service, Type=notify): READY=1 once the window is open, WATCHDOG=1 while
  // the device answers (docs/deployment.md §5 "The watchdog and restarts"). Outside it, nothing.
  const notifier = createSystemdNotifier({ warn: (problem) => logger.warn({ problem }, 'systemd notification') });
  let stopWatchdog = (): void => undefined;
  const serveUnderSystemd = (bridge: { call(name: string, input: unknown): Promise<{ ok: boolean }> }): void => {
    notifier.ready();
    stopWatchdog();
    stopWatchdog = notifier.startWatchdog(() => answersWithin(() => bridge.call('device.info', {}), watchdogAnswerMs));
  };
  /** 0 quits as asked; 75 tells systemd's Restart=always to start the app again (see restartApp). */
  let exitCodeAfterQuit = 0;
  /**
   * Starts a new copy of the app. Under systemd the app quits with 75 and the unit starts it again in a fresh session:
   * a copy relaunched by the app itself would be a stray child of cage, which ends when its first client quits.
   */
  const restartApp = (): void => {
    if (notifier.plan.kind === 'notify') exitCodeAfterQuit = exitCodeRestartRequested;
    else app.relaunch();
    app.quit();
  };

  app.on('second-instance', () => keeper?.bringToFront());
  // The kiosk window is reopened when it closes, so its closing must not end the app.
  app.on('window-all-closed', () => {});
  app.on('child-process-gone', (_event, details) => {
    logger.error({ type: details.type, reason: details.reason, exitCode: details.exitCode, name: details.name }, 'child process gone');
    // Chromium restarts its GPU process, but the window can be left black until it repaints from scratch.
    if (details.type === 'GPU' && details.reason !== 'clean-exit') keeper?.recover('GPU process gone');
  });
  app.on('before-quit', () => {
    quitting = true;
    stopWatchdog();
    keeper?.stopRecovering();
  });
  app.on('will-quit', (event) => {
    // Stop the runtime first: readers closed, the store's last writes on disk, logs flushed. Then quit
    // again, and this time (runtime null) let it happen.
    if (runtime === null) return;
    event.preventDefault();
    const stopping = runtime;
    runtime = null;
    unwireIpc();
    stopping
      .stop()
      .catch((error: unknown) => logger.error({ err: error }, 'device runtime did not stop cleanly'))
      .finally(() => (exitCodeAfterQuit === 0 ? app.quit() : app.exit(exitCodeAfterQuit)));
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => app.quit());

  const fail = (exitCode: number, message: string, error?: unknown): void => {
    console.error(message);
    logger.fatal({ err: error }, message);
    app.exit(exitCode);
  };

  /**
   * The device could not start because its disk is full: the window shows the deviceFull screen (in the kiosk's language,
   * from the site file) through the same IPC, and the start is tried again now and then. Once it starts, the shell
   * relaunches itself rather than rewire a running window: the started runtime's shell-side keyboard-wedge reader must be
   * attached to the window as it is created, and a relaunch is the one start path every other start already takes.
   */
  function waitForSpace(startRuntime: () => Promise<DeviceRuntime>): void {
    const config = loadKioskConfig(configFile);
    logger.error('the device could not start: its disk is full; the screen says so, and it starts by itself once space is freed');
    const bridge = createSwitchableBridge(deviceFullBridge(config, appVersion));
    const windowKeeper = createKioskWindowKeeper({ kioskMode: config.device.mode === 'kiosk', logger, keyboardWedge: null });
    keeper = windowKeeper;
    unwireIpc = wireDeviceIpc({
      ipcMain,
      bridge,
      eventRecipients: () => windowKeeper.eventRecipients(),
      onRefusedSender: (frameUrl) => logger.warn({ sender: originForLog(frameUrl) }, 'IPC call refused: the sender is not the Dayroom page'),
    });
    windowKeeper.open();
    serveUnderSystemd(bridge);
    const retry = (): void => {
      setTimeout(() => {
        if (quitting) return;
        startRuntime().then(
          (started) => {
            logger.info('space was freed: the device has started; relaunching the shell around it');
            // will-quit stops it cleanly before the relaunched copy opens the store.
            runtime = started;
            restartApp();
          },
          (error: unknown) => {
            if (isStorageFull(error)) retry();
            else fail(exitCodeStartFailed, `Dayroom could not start: ${error instanceof Error ? error.message : String(error)}`, error);
          },
        );
      }, fullDiskRetryMs);
    };
    retry();
  }

  if (!configFile) {
    fail(exitCodeBadConfig, 'Dayroom needs its site file: pass --config=<file> or set DAYROOM_CONFIG.');
    return;
  }

  app
    .whenReady()
    .then(async () => {
      // No menu means none of its accelerators (reload, quit, devtools) exist to be pressed.
      Menu.setApplicationMenu(null);
      hardenSession(session.defaultSession);
      if (!existsSync(join(rendererDir, 'index.html'))) {
        fail(exitCodeStartFailed, `The renderer is not built: ${join(rendererDir, 'index.html')} is missing. Run \`npm run build:renderer\`.`);
        return;
      }
      // Attachments through the runtime's checks (the same as the web host's route); everything else from dist/renderer.
      protocol.handle(appScheme, (request) => {
        const named = isAllowedAppUrl(request.url) ? attachmentRoute.parse(new URL(request.url).pathname) : null;
        return named === null ? serveRendererFile(request) : Promise.resolve(serveAttachment(runtime, named, request));
      });

      // The main process sees every key before the page: a keyboard-mode reader is detected here, and the page is told
      // to detect nothing (exactly one detector per shell; card keys never reach the renderer).
      // The hub credential in the OS keyring where safeStorage has a real backend (docs/security.md §3 "The device credential and enrollment"); otherwise the
      // file only this user can read. safeStorage works only once the app is ready, which it is here.
      const credentialStore = chooseCredentialVault(dataDir, safeStorage);
      if (credentialStore.refusal !== null) logger.info({ reason: credentialStore.refusal }, 'hub credential kept in a file readable by this user only');
      // The store's key, sealed the same way (issue 14 item 9); without a real backend the store stays unencrypted and
      // service mode says why.
      const storeKey = chooseStoreKey(dataDir, safeStorage);
      const startRuntime = (): Promise<DeviceRuntime> =>
        createDeviceRuntime({
          configFile,
          dataDir,
          logger,
          vault: credentialStore.vault,
          storeKey,
          keyboardWedgeDetection: 'shell',
          // Service mode's restart: a new copy starts once this one has quit (will-quit stops the runtime cleanly first).
          onRestartRequested: restartApp,
          // Started by deploy/linux/dayroom-launch: an installed version that updates itself (docs/deployment.md §12).
          ...(installRoot === undefined ? {} : { installation: { root: installRoot, variant: 'electron-linux' as const } }),
        });
      let started: DeviceRuntime;
      try {
        started = await startRuntime();
      } catch (error) {
        // A full disk is a screen in words, not a crash the supervisor restarts into the same crash (issue 15, item 3).
        if (!isStorageFull(error)) throw error;
        waitForSpace(startRuntime);
        return;
      }
      if (quitting) {
        await started.stop();
        return;
      }
      runtime = started;
      const kioskMode = started.config.device.mode === 'kiosk';
      const windowKeeper = createKioskWindowKeeper({ kioskMode, logger, keyboardWedge: started.shellKeyboardWedge });
      keeper = windowKeeper;
      unwireIpc = wireDeviceIpc({
        ipcMain,
        bridge: started.bridge,
        eventRecipients: () => windowKeeper.eventRecipients(),
        onRefusedSender: (frameUrl) => logger.warn({ sender: originForLog(frameUrl) }, 'IPC call refused: the sender is not the Dayroom page'),
      });
      windowKeeper.open();
      serveUnderSystemd(started.bridge);
      if (installRoot !== undefined) {
        // A version on trial is kept once the device answers and the window shows the app's page.
        void confirmHealthOfTrial({
          root: installRoot,
          runningVersion: appVersion,
          healthy: async () => (await answersWithin(() => started.bridge.call('device.info', {}), watchdogAnswerMs)) && (await pageShown(windowKeeper)),
          onUnhealthy: restartApp,
          logger,
        });
      }
      // A wall kiosk is always on; a tablet sleeps like any tablet.
      if (kioskMode) powerSaveBlocker.start('prevent-display-sleep');
      logger.info({ mode: started.config.device.mode, packaged: app.isPackaged }, 'kiosk shell started');
    })
    .catch((error: unknown) => {
      if (error instanceof KioskConfigError) fail(exitCodeBadConfig, error.message, error);
      else if (error instanceof StoreKeyError) fail(exitCodeStoreKey, `${error.message} [${error.code}]`, error);
      else fail(exitCodeStartFailed, `Dayroom could not start: ${error instanceof Error ? error.message : String(error)}`, error);
    });
}

// ---- Every web contents and session, whoever created it ----

/** Logs name where a blocked URL pointed, not the whole URL, which could carry a person's data. */
function originForLog(url: string | null): string {
  if (url === null) return '(no frame)';
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? parsed.protocol : parsed.origin;
  } catch {
    return '(malformed)';
  }
}

function hardenWebContents(contents: WebContents, logger: Logger): void {
  // Item 13: parsed, never prefix-matched, in policy.ts. Dropping a file on the window would navigate to
  // file://, so this also refuses file drops (the preload cancels them before they start, too).
  contents.on('will-navigate', (event) => {
    if (navigationDecision(event.url) === 'deny') {
      event.preventDefault();
      logger.warn({ target: originForLog(event.url) }, 'navigation refused');
    }
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame && navigationDecision(event.url) === 'deny') {
      event.preventDefault();
      logger.warn({ target: originForLog(event.url) }, 'frame navigation refused');
    }
  });
  contents.on('will-redirect', (event) => {
    if (navigationDecision(event.url) === 'deny') {
      event.preventDefault();
      logger.warn({ target: originForLog(event.url) }, 'redirect refused');
    }
  });
  // Item 14: no new windows, ever. Item 15: nor is the URL handed to the system (no shell.openExternal).
  contents.setWindowOpenHandler(({ url }) => {
    logger.warn({ target: originForLog(url) }, 'window.open refused');
    return windowOpenDecision(url);
  });
  // Items 11–12: no <webview>, even if one were switched on somewhere.
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    logger.warn('webview refused');
  });
  contents.on('before-input-event', (event, input) => {
    const decision = inputFilterDecision(input);
    if (decision.verdict === 'deny') {
      event.preventDefault();
      // Only the shortcut's name is logged: reader keystrokes are card data and are never written down.
      if (!input.isAutoRepeat && input.type === 'keyDown') logger.info({ shortcut: decision.shortcut }, 'kiosk shortcut blocked');
    }
  });
  // Electron shows no context menu unless an app builds one; a long press on the touch screen must stay that way.
  contents.on('context-menu', (event) => event.preventDefault());
  // A page's beforeunload must never block the reload that recovers a crash or clears a signed-out session.
  contents.on('will-prevent-unload', (event) => event.preventDefault());
  // No pinch-zoom on touch screens (keyboard zoom is dropped by the input filter). It fails only for
  // contents destroyed before it applied, which then have nothing left to zoom.
  contents.setVisualZoomLevelLimits(1, 1).catch(() => {});
}

function hardenSession(target: Session): void {
  // Item 5: the request and the check handler ask the same policy, so a permission cannot be granted by one
  // and refused by the other.
  target.setPermissionRequestHandler((_contents, permission, grant, details) => {
    grant(permissionDecision(permission, details.requestingUrl) === 'allow');
  });
  target.setPermissionCheckHandler(
    (_contents, permission, requestingOrigin, details) => permissionDecision(permission, details.requestingUrl ?? requestingOrigin) === 'allow',
  );
  // A download would open a save dialog: a file browser on a kiosk.
  target.on('will-download', (event) => event.preventDefault());
  target.setSpellCheckerEnabled(false);
}

// ---- The app protocol: dist/renderer, with the CSP on every response ----

const contentTypeOfExtension: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': contentSecurityPolicy } });
}

async function serveRendererFile(request: Request): Promise<Response> {
  if (request.method !== 'GET') return textResponse(405, 'Method not allowed');
  const file = appProtocolPath(request.url, rendererDir);
  if (file === null) return textResponse(404, 'Not found');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return textResponse(404, 'Not found');
  }
  return new Response(new Uint8Array(body), {
    headers: {
      'content-type': contentTypeOfExtension[extname(file).toLowerCase()] ?? 'application/octet-stream',
      // Item 7.
      'content-security-policy': contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      // Sign-out leaves nothing behind, in caches included; these files are local, so caching gains nothing.
      'cache-control': 'no-store',
    },
  });
}

function serveAttachment(current: DeviceRuntime | null, named: { messageId: string; attachmentId: string; captions?: string }, request: Request): Response {
  if (request.method !== 'GET') return textResponse(405, 'Method not allowed');
  const content = current?.attachment(named.messageId, named.attachmentId, named.captions ?? null) ?? null;
  if (content === null || !content.ok) {
    return content?.ok === false && content.refusal === 'damaged'
      ? textResponse(422, 'This attachment is damaged on this device.')
      : textResponse(404, 'Not found');
  }
  return new Response(new Uint8Array(content.bytes), {
    headers: {
      'content-type': contentTypeHeader(content.mimeType),
      'content-security-policy': contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  });
}

// ---- The kiosk window and its recovery ----

interface KioskWindowKeeper {
  open(): void;
  /** Reload (or reopen) the window after a backoff; a no-op while a recovery is already waiting. */
  recover(cause: string): void;
  stopRecovering(): void;
  bringToFront(): void;
  eventRecipients(): WebContents[];
}

function createKioskWindowKeeper(options: { kioskMode: boolean; logger: Logger; keyboardWedge: KeyboardWedgeReader | null }): KioskWindowKeeper {
  const { kioskMode, logger, keyboardWedge } = options;
  let kioskWindow: BrowserWindow | null = null;
  let recoveryAttempt = 0;
  let recoveryTimer: NodeJS.Timeout | undefined;
  let healthyTimer: NodeJS.Timeout | undefined;
  let unresponsiveTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  const loadApp = (window: BrowserWindow): void => {
    window.loadURL(appEntryUrl).catch((error: unknown) => {
      logger.error({ err: error }, 'the kiosk page did not load');
      recover('load failed');
    });
  };

  const recover = (cause: string): void => {
    if (stopped || recoveryTimer !== undefined) return;
    const delayMs = restartBackoffMs(recoveryAttempt);
    recoveryAttempt += 1;
    clearTimeout(healthyTimer);
    logger.warn({ cause, attempt: recoveryAttempt, delayMs }, 'recovering the kiosk window');
    recoveryTimer = setTimeout(() => {
      recoveryTimer = undefined;
      if (stopped) return;
      if (kioskWindow === null || kioskWindow.isDestroyed()) open();
      else loadApp(kioskWindow);
    }, delayMs);
  };

  const open = (): void => {
    const window = new BrowserWindow({
      kiosk: kioskMode,
      fullscreen: true,
      autoHideMenuBar: true,
      backgroundColor: '#000000',
      title: 'Dayroom',
      webPreferences: {
        preload: preloadFile,
        sandbox: true, // item 4
        contextIsolation: true, // item 3
        nodeIntegration: false, // item 2
        nodeIntegrationInWorker: false, // item 2
        webSecurity: true, // item 6
        allowRunningInsecureContent: false, // item 8
        experimentalFeatures: false, // item 9 (and item 10: no enableBlinkFeatures is set)
        webviewTag: false, // items 11–12
        navigateOnDragDrop: false, // no drag-and-drop of files
        devTools: !app.isPackaged, // docs/security.md §12 "The Electron checklist": no devtools in packaged builds
        spellcheck: false,
      },
    });
    window.removeMenu();
    const contents = window.webContents;
    if (keyboardWedge !== null) {
      // Registered after hardenWebContents' shortcut filter (web-contents-created fired while the window was built),
      // so a dropped shortcut is never held here; see keyboard-wedge-filter.ts.
      const wedgeFilter = attachKeyboardWedgeFilter({
        webContents: contents,
        settings: keyboardWedge.settings,
        reader: keyboardWedge,
        onReplayLost: () => logger.warn('a replayed key did not come back through before-input-event'),
      });
      window.on('closed', () => wedgeFilter.detach());
    }
    contents.on('did-finish-load', () => {
      clearTimeout(healthyTimer);
      healthyTimer = setTimeout(() => {
        recoveryAttempt = 0;
      }, healthyAfterMs);
    });
    contents.on('render-process-gone', (_event, details) => {
      logger.error({ reason: details.reason, exitCode: details.exitCode }, 'kiosk renderer gone');
      recover(`renderer ${details.reason}`);
    });
    window.on('unresponsive', () => {
      logger.warn('kiosk window unresponsive');
      unresponsiveTimer ??= setTimeout(() => {
        unresponsiveTimer = undefined;
        logger.error({ graceMs: unresponsiveGraceMs }, 'kiosk window still unresponsive: restarting its renderer');
        // The crash is then recovered like any other, through render-process-gone.
        if (!window.isDestroyed()) window.webContents.forcefullyCrashRenderer();
      }, unresponsiveGraceMs);
    });
    window.on('responsive', () => {
      clearTimeout(unresponsiveTimer);
      unresponsiveTimer = undefined;
      logger.info('kiosk window responsive again');
    });
    window.on('closed', () => {
      clearTimeout(unresponsiveTimer);
      unresponsiveTimer = undefined;
      kioskWindow = null;
      recover('window closed');
    });
    kioskWindow = window;
    loadApp(window);
  };

  return {
    open,
    recover,
    stopRecovering: () => {
      stopped = true;
      clearTimeout(recoveryTimer);
      clearTimeout(healthyTimer);
      clearTimeout(unresponsiveTimer);
    },
    bringToFront: () => {
      if (kioskWindow === null || kioskWindow.isDestroyed()) return;
      if (kioskWindow.isMinimized()) kioskWindow.restore();
      kioskWindow.focus();
    },
    eventRecipients: () => (kioskWindow !== null && !kioskWindow.isDestroyed() ? [kioskWindow.webContents] : []),
  };
}
