// A full disk is a state the person reads in words (issue 15, item 3), in Chromium against the real web host on a real,
// small file system (a tmpfs; mounting needs root, and where it is impossible each test says it was skipped and why).
// A start on a full disk shows "This device is full" in the kiosk's language, never a restart loop; a draft that can
// no longer be saved says so ("Your letter is saved up to here. Please tell staff.") with every typed word still on screen, and
// saves again by itself once space is freed; service mode shows the free space and what a full disk means.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test as base, expect, type Page } from '@playwright/test';
import { hostReadyMarker } from '../../main/host/marker';
import { openDeviceDatabase } from '../../main/store/database';
import { applyPull } from '../../main/sync/apply-pull';
import { demoResidents, demoStaff, seedDemoResidents } from '../../scripts/demo-data';
import { defaultTimings, launchKiosk } from '../support/kiosk-process';
import { expectScreenFits } from './support/fit-check';
import { fillDisk, freeDisk, mountSmallFilesystem } from '../support/small-filesystem';
import { makeTempDir } from '../support/temp-dir';
import { contact, pullBatch, siteRules, upsert } from '../unit/sync/fixtures';
import { chooseLanguage } from './support/display-choices';
import { expectAccessibleAtEverySize, expectAccessibleInEveryLanguage } from './support/accessibility-check';
import { everyInstalledLanguage } from './support/hub-kiosk';

const marcus = demoResidents[0]!;

/** Each test mounts its own; a test that cannot says why, in the report, rather than passing silently. */
function smallDiskOrSkip(bytes: number) {
  const disk = mountSmallFilesystem(bytes);
  if (!disk.mounted) {
    console.warn(`full-disk e2e skipped: ${disk.reason}`);
    base.skip(true, disk.reason);
  }
  return disk;
}

async function typeDigits(page: Page, digits: string): Promise<void> {
  for (const digit of digits) await page.getByRole('button', { name: digit, exact: true }).click();
}

base('a kiosk that starts on a full disk says so in its language, and starts by itself once space is freed', async ({ page }) => {
  const disk = smallDiskOrSkip(4 * 1024 * 1024);
  if (!disk.mounted) return;
  const outside = makeTempDir('dayroom-e2e-full-');
  let host: ChildProcess | null = null;
  try {
    const site = join(outside.path, 'site.json');
    writeFileSync(
      site,
      JSON.stringify({
        site: { name: 'Riverbend County Detention Center' },
        device: { name: 'Unit B dayroom kiosk 1', mode: 'kiosk', housingUnit: 'B' },
        languages: { offered: everyInstalledLanguage().offered, default: 'es' },
        session: defaultTimings,
        readers: [],
        credentials: { resident: { pattern: '^R(\\d{6})$' } },
      }),
    );
    const dataDir = join(disk.path, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    const filler = fillDisk(disk.path);
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/host/cli.ts', '--config', site, '--data', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DAYROOM_FULL_DISK_RETRY_MS: '300' },
    });
    host = child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the host exited (${code}) instead of serving its screen:\n${stderr}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.startsWith(hostReadyMarker)) resolve((JSON.parse(line.slice(hostReadyMarker.length)) as { url: string }).url);
      });
    });

    await page.goto(url);
    const screen = page.locator('[data-screen="deviceFull"]');
    await expect(screen).toBeVisible();
    await expect(screen).toContainText('Este dispositivo está lleno');
    await expect(screen).toContainText('Avise al personal');
    await page.screenshot({ path: 'test-results/screens/device-full-start-es.png' });
    // The fit check, as for every screen (test/e2e/screen-fit.spec.ts): this one needs a host on a full disk, so here.
    await expectScreenFits(page, 'deviceFull', 'es');
    await expectAccessibleInEveryLanguage(page, 'deviceFull', 'es');
    // Someone who reads English can switch: the screen follows.
    await chooseLanguage(page, 'English');
    await expect(screen).toContainText('This device is full');
    await expect(screen).toContainText('Please tell staff');

    freeDisk(filler);
    // The device starts by itself; the page reconnects and shows what a device with no hub yet shows, with no reload by
    // anyone and no exit for a supervisor to restart.
    await expect(page.locator('[data-screen="enrollment"]')).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('[data-screen="deviceFull"]')).toHaveCount(0);
    expect(child.exitCode).toBeNull();
  } finally {
    host?.kill('SIGTERM');
    if (disk.mounted) disk.unmount();
    outside.remove();
  }
});

base('a draft that can no longer be saved says so with the letter still on screen, and saves again once space is freed', async ({ page }) => {
  // Room for the store and the default 8 MB reserve taken twice over, so the kiosk starts with its reserve in place.
  const disk = smallDiskOrSkip(40 * 1024 * 1024);
  if (!disk.mounted) return;
  const prepared = makeTempDir('dayroom-e2e-store-');
  // A store with Marcus's sister as an approved contact, as sync would have brought it.
  const storeFile = join(prepared.path, 'device.sqlite');
  await seedDemoResidents(storeFile);
  const db = openDeviceDatabase(storeFile);
  applyPull(
    db,
    pullBatch([upsert('siteRules', siteRules(), 1), upsert('contact', contact('c-sister', marcus.residentId, { displayName: 'Denise Lee' }), 1)], 'c1'),
    { now: 1 },
  );
  db.close();
  const kiosk = await launchKiosk(defaultTimings, { storeFile, dataParent: disk.path, languages: everyInstalledLanguage() });
  try {
    await page.goto(kiosk.url);
    await kiosk.scan(marcus.badge);
    await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
    await typeDigits(page, marcus.pin);
    await page.getByTestId('tile-mail').click();
    await page.getByTestId('conversation').filter({ hasText: 'Denise Lee' }).click();
    await page.getByTestId('write').click();
    const body = page.getByTestId('compose-body');
    await body.fill('Dear Denise, the first part is saved.');
    await expect(page.getByTestId('draft-state')).toContainText('Draft saved');

    const filler = fillDisk(disk.path);
    const whole = 'Dear Denise, the first part is saved. And this second part is typed on a full disk.';
    await body.fill(whole);
    await expect(page.getByTestId('compose-device-full')).toHaveText('This device is full. Your letter is saved up to here. Please tell staff.');
    await expect(body).toHaveValue(whole);
    await page.screenshot({ path: 'test-results/screens/compose-device-full-en.png' });
    await expectScreenFits(page, 'compose-deviceFull', 'en');
    await expectAccessibleAtEverySize(page, 'compose-deviceFull', 'en');
    // While the keyboard is docked the top bar gives its room to the letter; with it hidden, a language can be chosen.
    await page.getByTestId('keyboard-toggle').click();
    await expect(page.getByTestId('on-screen-keyboard')).toHaveCount(0);
    await expectAccessibleInEveryLanguage(page, 'compose-deviceFull-keyboard-hidden');
    await expect(page.getByTestId('compose-device-full')).toHaveText('This device is full. Your letter is saved up to here. Please tell staff.');
    await page.getByTestId('keyboard-toggle').click();

    freeDisk(filler);
    // The next save finds room (the reserve is taken again first) and the notice goes.
    await body.press('End');
    await body.pressSequentially(' Love, Marcus');
    await expect(page.getByTestId('draft-state')).toContainText('Draft saved');
    await expect(page.getByTestId('compose-device-full')).toHaveCount(0);
    await expect(body).toHaveValue(`${whole} Love, Marcus`);
  } finally {
    await kiosk.stop();
    if (disk.mounted) disk.unmount();
    prepared.remove();
  }
});

base('service mode shows the free space, and what a full disk means', async ({ page }) => {
  const disk = smallDiskOrSkip(40 * 1024 * 1024);
  if (!disk.mounted) return;
  const kiosk = await launchKiosk(defaultTimings, { dataParent: disk.path });
  try {
    await page.goto(kiosk.url);
    const filler = fillDisk(disk.path);
    await kiosk.scan(demoStaff.badge);
    await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
    await typeDigits(page, demoStaff.pin);
    const overview = page.getByTestId('service-overview');
    await expect(overview).toContainText('Free space');
    await expect(page.getByTestId('service-disk-level')).toContainText('The disk is full. Drafts are not being saved');
    freeDisk(filler);
  } finally {
    await kiosk.stop();
    if (disk.mounted) disk.unmount();
  }
});
