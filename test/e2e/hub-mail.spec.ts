// Mail arriving: a family letter sent and approved through the hub's console (the real CLI against the running hub)
// shows up on a signed-in resident's home screen, after the kiosk syncs with the real hub.
import { demoResidents } from '../../scripts/demo-data';
import { expect, hubConsole, test } from './support/hub-kiosk';

test('a family letter approved at the hub appears on the resident’s home screen', async ({ page, hub, kiosk }) => {
  const marcus = demoResidents[0]!;
  const family = hub.families[0]!;
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  // The kiosk knows Marcus only through sync: nothing was seeded on the device.
  await kiosk.scan(marcus.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
  for (const digit of marcus.pin) await page.getByRole('button', { name: digit, exact: true }).click();
  const mailTile = page.getByTestId('tile-mail');
  await expect(mailTile).toContainText('1 new message');
  await expect(page.getByTestId('tile-money')).toContainText('$25.00 available');
  await expect(page.getByTestId('tile-stamps')).toContainText('5 stamps');

  const sent = await hubConsole(hub.consoleFile, 'send-family-message', '--contact', family.contact.contact_id, '--text', 'See you Sunday', '--return-stamp');
  const messageId = /message id ([0-9a-f-]{36})/.exec(sent)?.[1];
  expect(messageId).toBeDefined();
  // Waiting for review, it must not reach the kiosk.
  await expect(mailTile).toContainText('1 new message');
  await hubConsole(hub.consoleFile, 'approve', '--message', messageId!);
  await expect(mailTile).toContainText('2 new messages', { timeout: 20_000 });
  await page.screenshot({ path: 'test-results/screens/home-mail-arrived-en.png' });
});
