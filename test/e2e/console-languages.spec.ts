// The console in a staff member's own language: a clerk chooses Arabic in the top bar and the page turns Arabic and
// right to left, money and numbers in Arabic's forms; axe finds nothing on it; a refusal at the sign-in page is in
// Arabic words; and a fresh browser (nothing remembered in it) opens in Arabic after sign-in, because the hub keeps the
// choice with the account. Screenshots at both desk sizes.
import AxeBuilder from '@axe-core/playwright';
import { consolePassword, expect, screenshotAtDeskSizes, test } from './support/console';

async function expectNoAxeViolations(page: import('@playwright/test').Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

const arabicMoney = new Intl.NumberFormat('ar', { style: 'currency', currency: 'USD' }).format(25);

test('a clerk chooses Arabic: the console turns right to left, and the hub keeps the choice for the next sign-in', async ({ page, browser, consoleHub }) => {
  await consoleHub.signInAs(page, 'money');
  const html = page.locator('html');
  await expect(html).toHaveAttribute('lang', 'en');
  await expect(html).toHaveAttribute('dir', 'ltr');

  // Each language is offered in its own name.
  const chooser = page.getByLabel('Language');
  await expect(chooser.locator('option')).toHaveText(['English', 'العربية', 'Español', 'Kreyòl ayisyen', 'Tiếng Việt', '简体中文']);
  await chooser.selectOption('ar');
  await expect(html).toHaveAttribute('lang', 'ar');
  await expect(html).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('heading', { name: 'مرحبًا، Clerk Amal Haddad', level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'الصفحات' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'تسجيل الخروج' })).toBeVisible();
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'arabic-home');

  await page.getByRole('navigation', { name: 'الصفحات' }).getByRole('link', { name: 'الأموال' }).click();
  await expect(page.getByRole('heading', { name: 'الأموال', level: 1 })).toBeVisible();
  await page.getByLabel('الاسم أو رقم القيد').fill('100001');
  await page.getByRole('button', { name: 'بحث' }).click();
  await page.getByRole('button', { name: 'Marcus Lee (100001)' }).click();
  await expect(page.getByTestId('money-balances')).toHaveText(`المال: ${arabicMoney} · الطوابع: 5 طوابع`);
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'arabic-money');

  // Signed out, this browser still shows Arabic; a wrong password is refused in Arabic words.
  await page.getByRole('button', { name: 'تسجيل الخروج' }).click();
  await expect(page.getByRole('heading', { name: 'تسجيل الدخول', level: 1 })).toBeVisible();
  await expect(html).toHaveAttribute('dir', 'rtl');
  await page.getByLabel('اسم المستخدم').fill('money');
  await page.getByLabel('كلمة المرور').fill('not the password');
  await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
  await expect(page.getByRole('alert')).toHaveText('اسم المستخدم وكلمة المرور غير متطابقين. بقيت 4 محاولات قبل قفل الحساب.');
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'arabic-sign-in');

  // A fresh browser remembers nothing: it opens in English.
  const freshContext = await browser.newContext();
  const fresh = await freshContext.newPage();
  await fresh.goto(`${consoleHub.url}/console/`);
  await expect(fresh.locator('html')).toHaveAttribute('dir', 'ltr');
  // Someone who reads Vietnamese picks it before signing in; the account's own language then takes over.
  await fresh.getByLabel('Language').selectOption('vi');
  await expect(fresh.getByRole('heading', { name: 'Đăng nhập', level: 1 })).toBeVisible();
  await expect(fresh.locator('html')).toHaveAttribute('lang', 'vi');
  await fresh.getByLabel('Tên người dùng').fill('money');
  await fresh.getByLabel('Mật khẩu').fill(consolePassword);
  await fresh.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(fresh.getByRole('navigation', { name: 'الصفحات' })).toBeVisible();
  await expect(fresh.locator('html')).toHaveAttribute('lang', 'ar');
  await expect(fresh.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(fresh.getByLabel('اللغة')).toHaveValue('ar');
  await freshContext.close();
});

test('the hub’s particulars reach a Spanish reader after the words of the refusal, marked as the hub’s English', async ({ page, consoleHub }) => {
  await consoleHub.signInAs(page, 'admin');
  await page.getByLabel('Language').selectOption('es');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await page.getByRole('navigation', { name: 'Páginas' }).getByRole('link', { name: 'Cuentas del personal' }).click();
  await page.getByLabel('Nombre', { exact: true }).fill('Officer Jean Ruiz Again');
  await page.getByLabel('Nombre de usuario').fill('mailroom');
  await page.getByLabel('Función').selectOption('mailroom');
  await page.getByRole('button', { name: 'Crear cuenta' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Esto choca con algo que ya existe. El hub dice (en inglés): “');
  await expect(alert).toContainText('mailroom');
  await expectNoAxeViolations(page);
  await alert.scrollIntoViewIfNeeded();
  await screenshotAtDeskSizes(page, 'spanish-refusal');
});
