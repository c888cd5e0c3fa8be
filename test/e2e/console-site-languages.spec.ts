// The site's languages from the console's home page (docs/languages.md): a supervisor sees that the site has not set
// them, sets Spanish, English and Vietnamese with Spanish first, and a tag of the wrong shape is refused in words.
import { expect, screenshotAtDeskSizes, test } from './support/console';

test('a supervisor sets the languages residents can choose, and a wrong tag is refused in words', async ({ page, consoleHub }) => {
  await consoleHub.signInAs(page, 'supervisor');
  const form = page.getByRole('form', { name: 'Languages residents can choose' });
  await expect(form).toContainText('Not set here yet');

  await form.getByLabel('Languages offered').fill('es, en, Vietnamese');
  await form.getByRole('button', { name: 'Save languages' }).click();
  await expect(form).toContainText('a language tag such as en');

  await form.getByLabel('Languages offered').fill('es, en, vi');
  await form.getByLabel('Language devices start in').fill('es');
  await form.getByRole('button', { name: 'Save languages' }).click();
  await expect(form).toContainText('Offered: es, en, vi. Devices start in es.');
  await expect(form.getByRole('status')).toContainText('Saved.');
  await screenshotAtDeskSizes(page, 'site-languages');
});
