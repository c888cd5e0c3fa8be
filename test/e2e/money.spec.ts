// Stamps and money on a real kiosk against a real hub: a deposit made through the hub console appears on the money
// screen, the person buys a book of stamps, both balances change and a receipt shows; not enough money is said in
// words and nothing is charged; a purchase made while the hub is down stays pending and is confirmed after sync.
import { expect, hubConsole, signIn, test } from './support/hub-kiosk';
import { credentialIdOf, demoResidents } from '../../scripts/demo-data';

const marcus = demoResidents[0]!;
// The hub knows him by the booking number his wristband carries, as the site's credential rule extracts it.
const marcusAtHub = credentialIdOf(marcus.badge);

test('a deposit appears on the money screen; a book of stamps bought with it changes both balances and gives a receipt', async ({ page, hub, kiosk }) => {
  await signIn(page, kiosk);
  // The demo gave him $25.00 and 5 stamps.
  await expect(page.getByTestId('tile-money')).toContainText('$25.00', { timeout: 20_000 });
  const deposited = await hubConsole(
    hub.consoleFile,
    'deposit',
    '--resident',
    marcusAtHub,
    '--amount',
    '40.00',
    '--source',
    'moneyOrder',
    '--reference',
    'MO 88231',
  );
  expect(deposited).toMatch(/\$40\.00/);
  await expect(page.getByTestId('tile-money')).toContainText('$65.00', { timeout: 20_000 });

  await page.getByTestId('tile-money').click();
  await expect(page.locator('[data-screen="money"]')).toBeVisible();
  await expect(page.getByTestId('money-balance')).toContainText('$65.00 available');
  await expect(page.getByTestId('money-balance')).toContainText('Confirmed by the facility');
  const deposit = page.getByTestId('money-entry').first();
  await expect(deposit).toHaveAttribute('data-kind', 'deposit');
  await expect(deposit).toContainText('Deposit by money order · MO 88231');
  await expect(deposit).toContainText('+$40.00');
  await expect(page.getByTestId('money-totals')).toContainText('$65.00');
  await page.screenshot({ path: 'test-results/screens/money-after-deposit-en.png' });

  await page.getByTestId('money-home').click();
  await page.getByTestId('tile-stamps').click();
  await expect(page.locator('[data-screen="stamps"]')).toBeVisible();
  await expect(page.getByTestId('stamp-balance')).toContainText('5 stamps');
  await page.locator('[data-testid="stamp-book"][data-stamps="10"]').click();
  await expect(page.getByTestId('confirm-purchase')).toContainText('Buy a book of 10 stamps for $4.50 from your account?');
  await page.getByTestId('confirm-buy').click();

  const purchase = page.getByTestId('purchase').first();
  await expect(purchase).toHaveAttribute('data-state', 'completed', { timeout: 20_000 });
  const receipt = purchase.getByTestId('receipt');
  await expect(receipt).toContainText('Receipt');
  await expect(receipt).toContainText(/Reference [0-9A-F]{5}-[0-9A-F]{5}/);
  await expect(receipt).toContainText('10 stamps bought · paid $4.50');
  await expect(page.getByTestId('stamp-balance')).toContainText('15 stamps', { timeout: 20_000 });
  await expect(page.getByTestId('stamp-balance')).toContainText('$60.50 available');
  await expect(page.getByTestId('stamp-entry').first()).toHaveAttribute('data-kind', 'purchase');
  await page.screenshot({ path: 'test-results/screens/stamps-receipt-en.png', fullPage: true });

  // The hub has it once, and the money screen shows the purchase.
  const ledger = await hubConsole(hub.consoleFile, 'account', '--resident', marcusAtHub);
  expect(ledger.match(/stampPurchase/g)).toHaveLength(1);
  await page.getByTestId('stamps-home').click();
  await expect(page.getByTestId('tile-money')).toContainText('$60.50');
  await page.getByTestId('tile-money').click();
  await expect(page.getByTestId('money-entry').first()).toContainText('Stamps bought');
  await expect(page.getByTestId('money-entry').first()).toContainText('-$4.50');
});

test('a book the person cannot afford is shown as such before Buy, with why, and nothing is charged', async ({ page, hub, kiosk }) => {
  await signIn(page, kiosk);
  await expect(page.getByTestId('tile-money')).toContainText('$25.00', { timeout: 20_000 });
  await page.getByTestId('tile-stamps').click();
  // Three books of 20 at $8.00 leave $1.00.
  for (let bought = 1; bought <= 3; bought += 1) {
    await page.locator('[data-testid="stamp-book"][data-stamps="20"]').click();
    await page.getByTestId('confirm-buy').click();
    await expect(page.locator('[data-testid="purchase"][data-state="completed"]')).toHaveCount(bought, { timeout: 20_000 });
  }
  await expect(page.getByTestId('stamp-balance')).toContainText('$1.00 available', { timeout: 20_000 });
  const fiveBook = page.locator('[data-testid="stamp-book"][data-stamps="5"]');
  await expect(fiveBook).toBeDisabled();
  await expect(fiveBook).toHaveAttribute('data-affordable', 'false');
  await expect(page.getByTestId('book-unaffordable')).toHaveCount(3);
  await expect(page.getByTestId('book-unaffordable').first()).toHaveText('Not enough money: you can spend $1.00.');
  await expect(page.getByTestId('confirm-purchase')).toHaveCount(0);
  await expect(page.getByTestId('purchase')).toHaveCount(3);
  await page.screenshot({ path: 'test-results/screens/stamps-not-enough-money-en.png', fullPage: true });
  const ledger = await hubConsole(hub.consoleFile, 'account', '--resident', marcusAtHub);
  expect(ledger.match(/stampPurchase/g)).toHaveLength(3);
});

test('a purchase made while the hub cannot be reached stays pending, then is confirmed after sync', async ({ page, hub, kiosk }) => {
  await signIn(page, kiosk);
  await expect(page.getByTestId('tile-stamps')).toContainText('5 stamps', { timeout: 20_000 });
  await page.getByTestId('tile-stamps').click();
  await hub.stop();
  await page.locator('[data-testid="stamp-book"][data-stamps="5"]').click();
  await page.getByTestId('confirm-buy').click();
  const purchase = page.getByTestId('purchase').first();
  await expect(purchase).toHaveAttribute('data-state', 'pending');
  await expect(purchase).toContainText('Waiting for the facility to confirm. Nothing is charged until it does.');
  await expect(page.getByTestId('stamp-balance')).toContainText('5 stamps');
  await page.screenshot({ path: 'test-results/screens/stamps-pending-en.png', fullPage: true });

  await hub.start();
  await expect(purchase).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
  await expect(page.getByTestId('stamp-balance')).toContainText('10 stamps', { timeout: 20_000 });
  await expect(purchase.getByTestId('receipt')).toContainText('5 stamps bought · paid $2.50');
});
