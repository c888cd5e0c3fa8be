// What a person's fingers do on the kiosk's pads, in one place for every spec: digits on the PIN pad, a staff member's
// PIN for the hub to check, and a staff badge into service mode.
import { expect, type Page } from '@playwright/test';
import { demoStaff } from '../../../scripts/demo-data';

/** Taps each digit on the on-screen PIN pad (the keys are named by their digit). */
export async function typeDigits(page: Page, digits: string): Promise<void> {
  for (const digit of digits) await page.getByRole('button', { name: digit, exact: true }).click();
}

/** The hub checks the staff member's PIN for every assignment change: they type it again on its own pad. */
export async function confirmWithStaffPin(page: Page, pin: string): Promise<void> {
  await expect(page.getByTestId('tablet-staff-pin-form')).toBeVisible();
  await typeDigits(page, pin);
  await page.getByTestId('tablet-staff-pin-confirm').click();
}

/** A staff badge and PIN from the attract screen or a tablet's lock screens: service mode opens. */
export async function openServiceMode(page: Page, device: { scan(badge: string): Promise<void> }): Promise<void> {
  await device.scan(demoStaff.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toHaveAttribute('data-pin-subject', 'staff');
  await typeDigits(page, demoStaff.pin);
  await expect(page.locator('[data-screen="service"]')).toBeVisible();
}

/** Staff give the tablet to a person from its service mode (the hub checks their PIN), then leave service mode. */
export async function assignTabletInServiceMode(page: Page, tablet: { scan(badge: string): Promise<void> }, bookingNumber: string): Promise<void> {
  await openServiceMode(page, tablet);
  await page.getByTestId('service-nav-tablet').click();
  await typeDigits(page, bookingNumber);
  await page.getByTestId('tablet-assign').click();
  await confirmWithStaffPin(page, demoStaff.pin);
  await expect(page.getByTestId('tablet-outcome')).toContainText('Assigned to', { timeout: 20_000 });
  await page.getByTestId('service-sign-out').click();
}
