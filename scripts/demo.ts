// `npm start`: a demo site on this machine — the facility hub (embedded, PGlite) with a few residents, their families
// and some mail; a wall kiosk enrolled with it and syncing; its readers simulated — a barcode scanner and an RFID badge
// reader each on a real pseudo-terminal, a MagTek swipe reader through the socket-driven HID simulator — with a control
// socket so `npm run simulate` can unplug and replug them; and the kiosk screen (Electron where its binary exists,
// otherwise the web host in a browser).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { createDeviceLogger } from '../main/logging';
import { startWebHost, type WebHost } from '../main/host/server';
import { createDeviceRuntime } from '../main/runtime';
import { startPtyPair } from '../hardware/simulators/pty-pair';
import { simulateScan } from '../hardware/simulators/serial-scanner-simulator';
import { startSimulatedHidMagstripe } from '../hardware/simulators/hid-magstripe-simulator';
import { startDemoControl } from './demo-control';
import { demoPaths } from './simulate-cli';
import pino from 'pino';
import { demoResidents, demoStaff, idCardTrack2Of, rfidBadgeOf } from './demo-data';
import { startDemoHub } from './demo-hub';
import { ensureSystemPackages } from './system-packages.mjs';
import { electronBinaryPath } from './electron-binary.mjs';

const demoDir = resolve('.demo');
const defaultPort = 4780;
const defaultHubPort = 4781;

function buildRenderer(): void {
  console.log('Building the kiosk screens and the facility console…');
  for (const config of ['renderer/vite.config.ts', 'console/vite.config.ts']) {
    const build = spawnSync('npx', ['vite', 'build', '--config', config, '--logLevel', 'warn'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error(`the build of ${config} failed (see above)`);
  }
}

async function startHostOnPreferredPort(options: Omit<Parameters<typeof startWebHost>[0], 'port'>): Promise<WebHost> {
  const preferred = Number(process.env.DAYROOM_PORT ?? defaultPort);
  try {
    return await startWebHost({ ...options, port: preferred });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.log(`Port ${preferred} is busy; using a free one.`);
    return startWebHost({ ...options, port: 0 });
  }
}

function openScreen(url: string, siteFile: string, dataDir: string): ChildProcess | null {
  const electron = electronBinaryPath();
  if (electron) {
    console.log('Opening the kiosk in Electron.');
    return spawn(electron, ['dist/electron/main.cjs', `--config=${siteFile}`, `--user-data-dir=${dataDir}`], { stdio: 'ignore' });
  }
  console.log('Electron is not installed on this machine (its binary cannot be downloaded here), so the kiosk runs in a browser.');
  if (process.env.DISPLAY && existsSync('/usr/bin/chromium')) {
    console.log('Opening it in Chromium (app mode).');
    return spawn(
      '/usr/bin/chromium',
      [
        `--app=${url}`,
        `--user-data-dir=${join(demoDir, 'chromium')}`,
        '--no-first-run',
        '--disable-background-networking',
        '--disable-sync',
        '--window-size=1280,800',
        // Read-aloud's voices: espeak-ng through speech-dispatcher (README "Deploying on Linux").
        '--enable-speech-dispatcher',
      ],
      { stdio: 'ignore' },
    );
  }
  console.log('No display here: open the address above in Chromium or Chrome.');
  return null;
}

async function main(): Promise<void> {
  ensureSystemPackages('demo');
  buildRenderer();

  // A fresh demo every start: the same people, PINs and clean lockouts.
  rmSync(demoDir, { recursive: true, force: true });
  mkdirSync(demoDir, { recursive: true });
  const scanner = await startPtyPair(demoDir, { deviceName: 'scanner-device', hostName: 'scanner-host' });
  const badge = await startPtyPair(demoDir, { deviceName: 'badge-device', hostName: 'badge-host' });
  // The same paths `npm run simulate` uses by default, so its commands need no options.
  const magstripe = await startSimulatedHidMagstripe({ socketPath: resolve(demoPaths.magstripeSocket) });
  const control = await startDemoControl(resolve(demoPaths.controlSocket), { scanner, badge });

  console.log('Starting the facility hub…');
  const consoleFile = join(demoDir, 'hub.json');
  const hub = await startDemoHub({
    dataDir: join(demoDir, 'hub'),
    port: Number(process.env.DAYROOM_HUB_PORT ?? defaultHubPort),
    consoleFile,
    logger: pino({ level: 'info' }, pino.destination({ dest: join(demoDir, 'hub.log'), mkdir: true })),
  });

  const site = parseYaml(readFileSync('kiosk-config/examples/wall-kiosk.yaml', 'utf8')) as {
    readers: Array<{ kind: string; path?: string }>;
    hub: { url: string; syncIntervalSeconds: number };
  };
  // Serial readers onto the demo's ptys; the HID reader keeps its vendor id, which the simulator answers to.
  for (const reader of site.readers) {
    if (reader.kind === 'serialScanner') reader.path = scanner.devicePath;
    if (reader.kind === 'serialRfid') reader.path = badge.devicePath;
  }
  // The demo kiosk checks with the hub every few seconds, so approved mail shows up while you watch.
  site.hub = { ...site.hub, url: hub.running.url, syncIntervalSeconds: 5 };
  const siteFile = join(demoDir, 'site.yaml');
  writeFileSync(siteFile, `# The example wall kiosk, with its serial readers on the demo's pseudo-terminals and the demo hub.\n${stringifyYaml(site)}`);

  const dataDir = join(demoDir, 'data');
  const logger = createDeviceLogger({ dataDir });
  // The demo supervises its kiosk as systemd would: service mode's "Restart the app" stops the runtime and the host and
  // starts them again on the same store, port and token, so the open page reconnects by itself.
  let restarting = false;
  const requestRestart = (): void => {
    if (restarting) return;
    restarting = true;
    void (async () => {
      console.log('\nStaff asked for a restart: restarting the kiosk…');
      await host.close();
      await runtime.stop();
      runtime = await createDeviceRuntime({ configFile: siteFile, dataDir, logger, hid: magstripe.loader, onRestartRequested: requestRestart });
      host = await startWebHost({
        bridge: runtime.bridge,
        attachments: runtime.attachment,
        rendererDir: 'dist/renderer',
        logger,
        port: Number(new URL(host.url).port),
        token: host.token,
      });
      console.log('The kiosk is back; the open screen reconnects by itself.');
      restarting = false;
    })().catch((error: unknown) => {
      console.error('The kiosk could not restart:', error);
      process.exit(1);
    });
  };
  let runtime = await createDeviceRuntime({ configFile: siteFile, dataDir, logger, hid: magstripe.loader, onRestartRequested: requestRestart });
  // What staff do in service mode on a new kiosk: enroll it with a one-time code from the hub.
  const enrolled = await runtime.enroll(hub.running.url, await hub.kioskEnrollmentCode());
  if (!enrolled.ok) throw new Error(`the demo kiosk could not enroll: ${enrolled.error.message}`);
  await runtime.sync?.whenResting();
  let host = await startHostOnPreferredPort({ bridge: runtime.bridge, attachments: runtime.attachment, rendererDir: 'dist/renderer', logger });

  console.log(`\nDayroom demo — ${runtime.config.site.name}, ${runtime.config.device.name}`);
  console.log(`Kiosk screen: ${host.url}\n`);
  const screen = openScreen(host.url, siteFile, dataDir);

  console.log('\nResidents (wristband barcode, ID card track 2, RFID wristband → PIN):');
  for (const resident of demoResidents) {
    const cards = `${resident.badge}   ${idCardTrack2Of(resident)}   ${rfidBadgeOf(resident)}`;
    console.log(`  ${cards}   PIN ${resident.pin}   ${resident.displayName.padEnd(14)} ${resident.language === 'es' ? 'Español' : 'English'}`);
  }
  console.log(
    `Staff: ${demoStaff.badge} (barcode) or 42:${demoStaff.badge.replace(/^S/, '')} (RFID badge)   PIN ${demoStaff.pin}   ${demoStaff.displayName} — opens service mode`,
  );
  console.log('\nType a wristband number and press Enter to scan it (e.g. R100001); "garbage" sends an unreadable scan.');
  const [firstResident] = demoResidents;
  if (firstResident) {
    console.log('From another terminal (npm run simulate -- --help lists everything):');
    const examples: readonly (readonly [string, string])[] = [
      [`scan ${firstResident.badge} --symbology code39`, 'a wristband barcode'],
      [`swipe '${idCardTrack2Of(firstResident)}'`, 'an ID card on the swipe reader'],
      ['swipe --half', 'a half swipe: not read'],
      [`swipe ';4111111111111111=1803101000020000831?'`, 'a bank card: read, but not one of ours'],
      [`badge ${rfidBadgeOf(firstResident)}`, 'an RFID wristband on the badge reader'],
      ['unplug magstripe|badge|scanner', 'pull a reader; replug ... puts it back'],
    ];
    const width = Math.max(...examples.map(([command]) => command.length));
    for (const [command, what] of examples) console.log(`  npm run simulate -- ${command.padEnd(width)}   ${what}`);
  }

  const marcusFamily = hub.families[0];
  console.log(`\nThe facility console: ${hub.running.url}/console — make yourself its first admin with`);
  console.log(`  npm run hub -- create-admin --username admin --name "Your Name" --hub ${consoleFile}`);
  console.log(`The facility hub: ${hub.running.url} (its command line: npm run hub -- help --hub ${consoleFile})`);
  if (marcusFamily) {
    console.log(`Send Marcus a letter from his mother, approve it, and watch the count of new mail on his home screen go up:`);
    console.log(
      `  npm run hub -- send-family-message --contact ${marcusFamily.contact.contact_id} --text "See you Sunday" --return-stamp --hub ${consoleFile}`,
    );
    console.log(`  npm run hub -- review-queue --hub ${consoleFile}`);
    console.log(`  npm run hub -- approve --message <id from the queue> --hub ${consoleFile}`);
    console.log(`  npm run hub -- deposit --resident ${marcusFamily.resident.badge.replace(/^R/, '')} --amount 10.00 --source lobbyKiosk --hub ${consoleFile}`);
  }
  console.log(`\nLogs: ${join(dataDir, 'logs', 'device.<n>.log')} (the highest number is the newest) and ${join(demoDir, 'hub.log')}. Stop with Ctrl+C.\n`);

  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const text = line.trim();
    if (!text) return;
    const sent = text === 'garbage' ? scanner.write(Buffer.from([0x00, 0xfe, 0x07, 0x0d])) : simulateScan(scanner.hostPath, text, { symbology: 'code39' });
    sent.then(() => console.log(`scanned ${text}`)).catch((error: Error) => console.error(`could not scan: ${error.message}`));
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the demo…');
    input.close();
    screen?.kill();
    await host.close();
    await runtime.stop();
    await hub.close();
    await control.close();
    await magstripe.close();
    await scanner.kill();
    await badge.kill();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
