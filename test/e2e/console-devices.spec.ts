// The console's Devices and Audit pages as IT uses them (issue 17), against a real hub on PostgreSQL and real device
// runtimes (main/runtime: their own stores, readers injected) that enroll with the codes the page shows and sync their
// health: the fleet trouble first with each problem in words; a device that stops syncing moves to the top as not
// seen; a device's detail and its audit chain; revoking it behind its name typed again; the audit check. Every page is
// checked with axe and photographed at both desk sizes.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { join } from 'node:path';
import type { CredentialReader, ReaderConnectionState, ReaderEvent } from '../../hardware/reader';
import { testSiteConfig } from '../support/device-fixture';
import { makeTempDir } from '../support/temp-dir';
import { createDeviceRuntime, type DeviceRuntime } from '../../main/runtime';
import { expect, screenshotAtDeskSizes, test } from './support/console';

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** A card reader whose connection the test sets; the runtime reports whatever it says in its health. */
function testReader(readerId: string, kind: string, connection: ReaderConnectionState): CredentialReader {
  return {
    readerId,
    kind,
    start: async () => undefined,
    stop: async () => undefined,
    health: () => ({ readerId, kind, connection, goodReads: 0, badReads: 0, badReadsByReason: {}, problem: null, lastEventAt: null }),
    onEvent: (_listener: (event: ReaderEvent) => void) => () => undefined,
  };
}

test('IT enrolls two kiosks from the console, sees trouble first, a quiet one move to the top, revokes one and checks the audit chains', async ({
  page,
  consoleHub,
}) => {
  const dir = makeTempDir('dayroom-e2e-devices-');
  const runtimes: DeviceRuntime[] = [];
  try {
    await consoleHub.signInAs(page, 'devices');
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Devices' }).click();
    await expect(page.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
    await expect(page.getByText('No devices are enrolled yet.')).toBeVisible();

    /** Issues a kiosk code on the page, as IT would, and reads it off the screen. */
    const issueKioskCode = async (): Promise<string> => {
      const enroll = page.getByRole('button', { name: 'Enroll a device' });
      if ((await enroll.getAttribute('aria-expanded')) !== 'true') await enroll.click();
      await page.getByRole('radio', { name: 'Wall kiosk' }).check();
      await expect(page.getByLabel('Housing unit')).toHaveValue(/.+/);
      await page.getByRole('button', { name: 'Issue an enrollment code' }).click();
      const code = page.getByTestId('enrollment-code');
      await expect(code).toHaveText(/^[A-Z0-9]{4}-?[A-Z0-9]{4}$/);
      return (await code.textContent()) ?? '';
    };

    /** A device runtime that enrolls with the code and syncs once (its health goes with the pull). */
    const startKiosk = async (name: string, code: string, reader: CredentialReader): Promise<DeviceRuntime> => {
      const runtime = await createDeviceRuntime({
        config: testSiteConfig('/dev/null', { device: { name, mode: 'kiosk', housingUnit: 'B' }, hub: { url: consoleHub.url, backoffBaseSeconds: 0.2 } }),
        dataDir: join(dir.path, name.replace(/\W/g, '-')),
        readers: [reader],
        random: () => 0.5,
      });
      runtimes.push(runtime);
      const enrolled = await runtime.enroll(consoleHub.url, code);
      expect(enrolled.ok).toBe(true);
      await runtime.sync?.syncThrough('push');
      return runtime;
    };

    const firstCode = await issueKioskCode();
    await expectNoAxeViolations(page);
    await screenshotAtDeskSizes(page, 'devices-enrollment-code');
    const first = await startKiosk('Kiosk B1', firstCode, testReader('scanner', 'serialScanner', 'connected'));
    await page.getByRole('button', { name: 'Done' }).click();
    const secondCode = await issueKioskCode();
    await startKiosk('Kiosk B2', secondCode, testReader('badge', 'serialRfid', 'disconnected'));
    await page.getByRole('button', { name: 'Done' }).click();

    // Both appear with their health; the one with a disconnected reader first, its problem in words.
    const rows = page.locator('table.fleet tbody tr');
    await expect
      .poll(async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return rows.evaluateAll((each) => each.map((row) => row.getAttribute('data-device')));
      })
      .toEqual(['Kiosk B2', 'Kiosk B1']);
    await expect(rows.nth(0)).toContainText('Critical');
    await expect(rows.nth(0)).toContainText('The serialRfid reader "badge" is disconnected.');
    await expect(rows.nth(1)).toContainText('OK');
    await expect(rows.nth(1)).toContainText('No problems');
    await expect(page.locator('[data-count="inService"]')).toHaveText('2 in service');
    await expect(page.locator('[data-count="inTrouble"]')).toHaveText('1 in trouble');

    // Kiosk B1 stops syncing. The demo hub keeps the real clock, so rather than wait a quarter of an hour the test moves
    // the hub's record of when it last saw B1 sixteen minutes back, as if that long had passed.
    await first.sync?.stop();
    const [b1] = await consoleHub.hub.database.query<{ device_id: string }>("SELECT device_id FROM devices WHERE device_name = 'Kiosk B1'");
    await consoleHub.hub.database.query('UPDATE device_health SET last_seen_at = last_seen_at - $2 WHERE device_id = $1', [b1?.device_id ?? '', 16 * 60_000]);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => rows.evaluateAll((each) => each.map((row) => row.getAttribute('data-device')))).toEqual(['Kiosk B1', 'Kiosk B2']);
    await expect(rows.nth(0)).toContainText(/Not seen for 1[6-9] minutes\./);
    await expect(page.locator('[data-count="notSeen"]')).toHaveText('1 not seen for 15 minutes');
    await expect(page.locator('[data-count="inTrouble"]')).toHaveText('2 in trouble');
    await expectNoAxeViolations(page);
    await screenshotAtDeskSizes(page, 'devices-fleet');

    // Kiosk B2's detail: its health as it reported it, and its audit chain checked on demand.
    await rows.nth(1).getByRole('link', { name: 'Kiosk B2' }).click();
    await expect(page).toHaveURL(/\/console\/devices\/[^/]+$/);
    await expect(page.getByRole('heading', { name: 'Kiosk B2', level: 1 })).toBeVisible();
    await expect(page.getByText('badge (serialRfid): disconnected')).toBeVisible();
    await expect(page.getByText('Up to date at its last sync')).toBeVisible();
    await page.getByRole('button', { name: 'Check its audit chain' }).click();
    await expect(page.getByTestId('device-audit-verdict')).toContainText('chain intact.');
    await expectNoAxeViolations(page);
    await screenshotAtDeskSizes(page, 'device-detail');

    // Revoking asks for the device's name typed again before the button works.
    await page.getByRole('button', { name: 'Revoke this device…' }).click();
    await page.getByRole('radio', { name: 'Taken out of service' }).check();
    const revoke = page.getByRole('button', { name: 'Revoke', exact: true });
    await expect(revoke).toBeDisabled();
    await page.getByLabel('To confirm, type its name: Kiosk B2').fill('Kiosk B2');
    await expectNoAxeViolations(page);
    await revoke.scrollIntoViewIfNeeded();
    await screenshotAtDeskSizes(page, 'device-revoke');
    await revoke.click();
    await expect(page.getByText('Revoked (retired); its credential opens nothing at the hub.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Revoke this device…' })).toHaveCount(0);

    await page.getByRole('link', { name: '← Back to the fleet' }).click();
    await expect(page.locator('[data-count="revoked"]')).toHaveText('1 revoked');
    await expect(page.locator('[data-count="inService"]')).toHaveText('1 in service');

    // The audit check: the hub's chain (which holds the revocation and every console action) and each device's.
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('button', { name: 'Check every audit chain' }).click();
    await expect(page.getByTestId('audit-summary')).toHaveText('✓ Every chain is intact.');
    await expect(page.locator('[data-chain="The hub"]')).toContainText(/The hub: [\d,]+ entries, chain intact\./);
    await expectNoAxeViolations(page);
    await screenshotAtDeskSizes(page, 'audit');
  } finally {
    for (const runtime of runtimes) await runtime.stop();
    dir.remove();
  }
});

test('a supervisor enrolls a tablet, gives it to a resident by booking number and takes it back', async ({ page, consoleHub }) => {
  const dir = makeTempDir('dayroom-e2e-tablet-');
  let runtime: DeviceRuntime | null = null;
  try {
    await consoleHub.signInAs(page, 'supervisor');
    await page.goto(`${consoleHub.url}/console/devices`);
    await page.getByRole('button', { name: 'Enroll a device' }).click();
    await page.getByRole('radio', { name: 'Tablet' }).check();
    await page.getByRole('button', { name: 'Issue an enrollment code' }).click();
    await expect(page.getByRole('heading', { name: 'Enrollment code for a tablet' })).toBeVisible();
    const code = (await page.getByTestId('enrollment-code').textContent()) ?? '';
    runtime = await createDeviceRuntime({
      config: testSiteConfig('/dev/null', { device: { name: 'Tablet 0042', mode: 'tablet' }, hub: { url: consoleHub.url, backoffBaseSeconds: 0.2 } }),
      dataDir: join(dir.path, 'tablet'),
      readers: [],
      random: () => 0.5,
    });
    expect((await runtime.enroll(consoleHub.url, code)).ok).toBe(true);
    await runtime.sync?.syncThrough('push');
    await page.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('link', { name: 'Tablet 0042' }).click();
    await expect(page.getByText('Tablet, not assigned')).toBeVisible();
    await page.getByLabel('Give it to the resident with booking number').fill('100001');
    await page.getByRole('button', { name: 'Assign' }).click();
    await expect(page.getByText('Tablet of Marcus Lee (100001)')).toBeVisible();
    await expectNoAxeViolations(page);
    await screenshotAtDeskSizes(page, 'device-tablet');
    await page.getByRole('button', { name: 'Take it back from Marcus Lee' }).click();
    await expect(page.getByText('Tablet, not assigned')).toBeVisible();
    // A booking number nobody holds is refused in the hub's words.
    await page.getByLabel('Give it to the resident with booking number').fill('999999');
    await page.getByRole('button', { name: 'Assign' }).click();
    await expect(page.getByRole('alert')).toHaveText('There is no resident "999999" at this site.');
  } finally {
    await runtime?.stop();
    dir.remove();
  }
});

test('the mailroom has no Devices page; its address says it is not their work', async ({ page, consoleHub }) => {
  await consoleHub.signInAs(page, 'mailroom');
  await expect(page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Devices' })).toHaveCount(0);
  await page.goto(`${consoleHub.url}/console/devices`);
  await expect(page.getByRole('heading', { name: 'Not part of your work' })).toBeVisible();
});
