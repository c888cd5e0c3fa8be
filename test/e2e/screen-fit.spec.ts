// The fit check over a resident's and a staff member's screens at a real kiosk synced with a real hub: every screen the
// issue names, at every window and text size, in every language with a locale file (renderer/locales/), each laid out in
// its own direction — and while no language reads right to left, English laid out right to left as well. See support/fit-check.ts for what "fits" means;
// the screenshots it leaves in test-results/screens/fit/ are for a person to look at.
import type { Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoResidents, demoStaff, type DemoResident } from '../../scripts/demo-data';
import { patternPng } from '../support/test-images';
import { expectScreenFits, fitCheckLanguages } from './support/fit-check';
import { defaultTimings, launchKiosk } from '../support/kiosk-process';
import { everyInstalledLanguage, expect, hubConsole, test } from './support/hub-kiosk';
import { assignTabletInServiceMode, openServiceMode } from './support/pads';
import { chooseLanguage, chooseLanguageByTag } from './support/display-choices';
import { expectAccessibleAtEverySize, expectAccessibleInEveryLanguage, installedLanguages } from './support/accessibility-check';

// Long enough that no idle sign-out happens while every size is measured; the idle warning has its own test below.
// The site offers every language the screens have words for: each can be chosen, and the top bar holds them all.
test.use({ timings: { idleSeconds: 900, idleWarningSeconds: 60, maxSessionMinutes: 60 }, siteLanguages: everyInstalledLanguage() });
// Each screen is measured twelve times and photographed; the fixtures (a hub, an enrolled kiosk) count too.
test.describe.configure({ timeout: 600_000 });

// Each language with a demo resident who reads it where there is one (their screens come up in it at sign-in).
const languages = fitCheckLanguages().map((language) => ({
  ...language,
  resident: demoResidents.find((resident) => resident.language === language.code) ?? demoResidents[0]!,
}));

/** A letter far longer than a screen, in the words of someone writing home, with a photo and an eCard-sized picture. */
function longLetter(): string {
  const paragraph =
    'The garden is coming along: the tomatoes are finally red and your sister says the peppers are hotter than last year. ' +
    'Grandma asks about you every Sunday and wants to know if the books arrived. We are saving the photos for your visit. ';
  return Array.from({ length: 14 }, (_, index) => `${index + 1}. ${paragraph}`).join('\n\n');
}

async function typePin(page: Page, pin: string): Promise<void> {
  for (const digit of pin) await page.getByRole('button', { name: digit, exact: true }).click();
}

async function signInAs(page: Page, kiosk: { scan(badge: string): Promise<void> }, resident: DemoResident): Promise<void> {
  await kiosk.scan(resident.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
  await typePin(page, resident.pin);
  await expect(page.locator('[data-screen="home"]')).toBeVisible();
}

for (const language of languages) {
  test(`every resident and staff screen fits every window and text size (${language.label})`, async ({ page, hub, kiosk }) => {
    const resident = language.resident;
    const family = hub.families.find((candidate) => candidate.resident.badge === resident.badge)!;

    // A long letter with two pictures, approved so it reaches the kiosk.
    const pictures = mkdtempSync(join(tmpdir(), 'dayroom-fit-'));
    const photo = join(pictures, 'garden.png');
    const card = join(pictures, 'card.png');
    writeFileSync(
      photo,
      patternPng(640, 480, [
        [80, 160, 90],
        [230, 200, 120],
      ]),
    );
    writeFileSync(
      card,
      patternPng(480, 640, [
        [200, 80, 120],
        [250, 240, 240],
      ]),
    );
    const sent = await hubConsole(
      hub.consoleFile,
      'send-family-message',
      '--contact',
      family.contact.contact_id,
      '--text',
      longLetter(),
      '--photo',
      photo,
      '--photo',
      card,
      '--return-stamp',
    );
    rmSync(pictures, { recursive: true, force: true });
    const letterId = /message id ([0-9a-f-]{36})/.exec(sent)?.[1];
    expect(letterId, sent).toBeDefined();
    await hubConsole(hub.consoleFile, 'approve', '--message', letterId!);
    // A letter the facility stopped (its notice on the inbox) and two visits, one of them cancelled.
    const stopped = await hubConsole(hub.consoleFile, 'send-family-message', '--contact', family.contact.contact_id, '--text', 'A letter review will stop');
    const stoppedId = /message id ([0-9a-f-]{36})/.exec(stopped)?.[1];
    expect(stoppedId, stopped).toBeDefined();
    await hubConsole(hub.consoleFile, 'reject', '--message', stoppedId!, '--reason', 'Letters may not describe another resident. '.repeat(6).trim());
    const booking = resident.badge.replace(/^R/, '');
    await hubConsole(
      hub.consoleFile,
      'schedule-visit',
      '--resident',
      booking,
      '--visitor',
      family.contact.display_name,
      '--kind',
      'remote',
      '--starts',
      '2030-06-01T14:00Z',
      '--minutes',
      '30',
    );
    const cancelled = await hubConsole(
      hub.consoleFile,
      'schedule-visit',
      '--resident',
      booking,
      '--visitor',
      'Ηλέκτρα Παπαδοπούλου-Καραγιαννοπούλου',
      '--kind',
      'onSite',
      '--starts',
      '2030-06-08T09:30Z',
      '--minutes',
      '60',
    );
    const visitId = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/.exec(cancelled)?.[1];
    expect(visitId, cancelled).toBeDefined();
    await hubConsole(hub.consoleFile, 'cancel-visit', '--visit', visitId!);

    await page.goto(kiosk.url);
    await expect(page.locator('[data-screen="attract"]')).toBeVisible();
    if (language.code !== 'en') await chooseLanguageByTag(page, language.code);
    await expectScreenFits(page, 'attract', language.label, language.direction);

    await kiosk.scan(resident.badge);
    await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
    await expectScreenFits(page, 'pin', language.label, language.direction);
    await typePin(page, resident.pin);
    await expect(page.locator('[data-screen="home"]')).toBeVisible();
    await expect(page.getByTestId('tile-mail')).toContainText(/2|new|nuev/, { timeout: 20_000 });
    // A resident whose own language is another one: the screens follow them at sign-in, so choose this one again.
    if ((await page.locator('html').getAttribute('lang')) !== language.code) await chooseLanguageByTag(page, language.code);
    await expectScreenFits(page, 'home', language.label, language.direction);

    await page.getByTestId('tile-mail').click();
    await expect(page.getByTestId('conversation').first()).toBeVisible();
    await expectScreenFits(page, 'inbox', language.label, language.direction);

    await page.getByTestId('conversation').filter({ hasText: family.contact.display_name }).click();
    const newest = page.locator(`[data-testid="letter"][data-message-id="${letterId}"]`);
    await expect(newest).toBeVisible();
    await expect(newest.getByTestId('open-picture')).toHaveCount(2);
    await expectScreenFits(page, 'conversation', language.label, language.direction);

    await page.getByTestId('write').click();
    await page.getByTestId('compose-body').click();
    await page.keyboard.type(language.code === 'es' ? 'Querida mamá, gracias por las fotos.' : 'Dear Mom, thank you for the pictures.');
    await expect(page.getByTestId('on-screen-keyboard')).toBeVisible();
    await expect(page.getByTestId('draft-state')).not.toBeEmpty();
    await expectScreenFits(page, 'compose-keyboard', language.label, language.direction);

    await page.getByTestId('mail-drafts').click();
    await expect(page.getByTestId('draft')).toHaveCount(1);
    await expectScreenFits(page, 'drafts', language.label, language.direction);

    await page.getByTestId('mail-search').click();
    await page.getByTestId('search-query').click();
    await page.keyboard.type(language.code === 'en' ? 'garden' : 'garden');
    await page.getByTestId('search-submit').click();
    await expect(page.getByTestId('search-hit').first()).toBeVisible();
    await page.getByTestId('search-query').focus();
    await expectScreenFits(page, 'search-results', language.label, language.direction);

    await page.getByTestId('mail-home').click();
    await page.getByTestId('tile-stamps').click();
    await expect(page.getByTestId('stamp-book').first()).toBeVisible();
    await expectScreenFits(page, 'stamps', language.label, language.direction);
    await page.getByTestId('stamp-book').first().click();
    await expect(page.getByTestId('confirm-purchase')).toBeVisible();
    await expectScreenFits(page, 'stamps-confirm', language.label, language.direction);
    await page.getByTestId('confirm-purchase').getByRole('button').first().click();
    await page.getByTestId('stamps-home').click();

    await page.getByTestId('tile-money').click();
    await expect(page.getByTestId('money-balance')).toBeVisible();
    await expectScreenFits(page, 'money', language.label, language.direction);
    await page.getByTestId('money-home').click();

    await page.getByTestId('tile-visits').click();
    await expect(page.locator('[data-screen="visits"]')).toBeVisible();
    await expect(page.getByTestId('visits-upcoming')).toContainText(family.contact.display_name);
    await expectScreenFits(page, 'visits', language.label, language.direction);
    await page.getByTestId('visits-home').click();

    await page.getByTestId('sign-out').click();
    await expect(page.getByTestId('attract-notice')).not.toBeEmpty();
    await expectScreenFits(page, 'signed-out-notice', language.label, language.direction);

    // Staff: every service-mode section.
    await kiosk.scan(demoStaff.badge);
    await expect(page.locator('[data-screen="pinEntry"]')).toHaveAttribute('data-pin-subject', 'staff');
    await typePin(page, demoStaff.pin);
    await expect(page.locator('[data-screen="service"]')).toBeVisible();
    for (const section of ['overview', 'readers', 'sync', 'tablet', 'logs', 'siteConfig', 'deviceActions']) {
      await page.getByTestId(`service-nav-${section}`).click();
      await expect(page.locator('[data-screen="service"]')).toHaveAttribute('data-section', section);
      await expectScreenFits(page, `service-${section}`, language.label, language.direction);
    }
    await page.getByTestId('service-sign-out').click();
    await expect(page.locator('[data-screen="attract"]')).toBeVisible();

    // Five wrong PINs: the lockout screen.
    const lockedOut = demoResidents[3]!;
    await kiosk.scan(lockedOut.badge);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
      await typePin(page, lockedOut.pin === '0000' ? '1111' : '0000');
      if (attempt < 4) await expect(page.getByTestId('pin-notice')).not.toBeEmpty();
    }
    await expect(page.locator('[data-screen="lockedOut"]')).toBeVisible();
    await expectScreenFits(page, 'locked-out', language.label, language.direction);
  });
}

test.describe('the idle warning', () => {
  // The warning comes 20 s after the last touch: time enough to choose a language first (choosing is a touch too).
  test.use({ timings: { idleSeconds: 300, idleWarningSeconds: 280, maxSessionMinutes: 60 } });
  test('fits every window and text size with its one button in view, and passes axe in every language', async ({ page, kiosk }) => {
    // Twenty seconds' wait for each of six languages, and each checked at three sizes.
    test.setTimeout(600_000);
    const warning = page.getByTestId('idle-warning');
    await page.goto(kiosk.url);
    await expect(page.locator('[data-screen="attract"]')).toBeVisible();
    await signInAs(page, kiosk, demoResidents[0]!);
    await expect(warning).toBeVisible({ timeout: 40_000 });
    await expectScreenFits(page, 'idle-warning', 'en');
    const englishTitle = (await warning.getByRole('heading').textContent()) ?? '';
    // The warning holds the screen (a modal): the person answers it, chooses a language, and it comes back in that one.
    for (const language of installedLanguages()) {
      await warning.getByRole('button').click();
      await expect(warning).toHaveCount(0);
      await chooseLanguageByTag(page, language);
      await expect(warning).toBeVisible({ timeout: 40_000 });
      await expect(page.locator('html')).toHaveAttribute('lang', language);
      if (language !== 'en') await expect(warning.getByRole('heading')).not.toHaveText(englishTitle);
      await expectAccessibleAtEverySize(page, 'idle-warning', language);
    }
  });
});

test.describe('a tablet', () => {
  // Dimming late and for long: the device runs on a test clock that only jumps when told to, but real time passes while
  // each screen is measured twelve times, and the dimmed screen must still be there at the end.
  // A session as long as a tablet may have: the dimmed screen is met six times (once a language), each after 55 minutes
  // of test-clock idle, and the default 4 hours would end the session before the fifth.
  const tabletRules = { idleLockSeconds: 3_600, dimSeconds: 300, lockAfterDaysWithoutSync: 7, warnFromDaysWithoutSync: 5, maxSessionMinutes: 24 * 60 };
  const dayMs = 24 * 60 * 60 * 1000;

  test('its lock, dimmed, sync-warning and sync-lock screens fit in English and Spanish and pass axe in every language', async ({ page, hub }) => {
    // Ten screens measured twelve times each, besides the tablet's own setup.
    test.setTimeout(900_000);
    const tablet = await launchKiosk(defaultTimings, {
      mode: 'tablet',
      tablet: tabletRules,
      testClock: true,
      languages: everyInstalledLanguage(),
      hub: { url: hub.running.url, enrollmentCode: await hub.tabletEnrollmentCode() },
    });
    let offsetMs = 0;
    const passes = async (ms: number): Promise<void> => {
      offsetMs += ms;
      await tablet.setClockOffset(offsetMs);
    };
    /** The screen on the page measured in English and Spanish, checked with axe in every language, back in English. */
    const fitsInBoth = async (screen: string): Promise<void> => {
      await expectScreenFits(page, screen, 'en');
      await chooseLanguage(page, 'Español');
      await expectScreenFits(page, screen, 'es');
      await expectAccessibleInEveryLanguage(page, screen);
    };
    const resident = demoResidents[0]!;
    try {
      await page.goto(tablet.url);
      await expect(page.locator('[data-screen="attract"]')).toBeVisible();
      await assignTabletInServiceMode(page, tablet, resident.badge.replace(/^R/, ''));

      await expect(page.locator('[data-screen="tabletLock"]')).toBeVisible();
      await fitsInBoth('tablet-lock');

      await typePin(page, resident.pin);
      await expect(page.locator('[data-screen="home"]')).toBeVisible();
      await page.getByTestId('tile-mail').click();
      await expect(page.locator('[data-screen="mail"]')).toBeVisible();
      // Dimmed in each language: chosen while awake, then the screen dims over it; a touch wakes it.
      for (const language of installedLanguages()) {
        await chooseLanguageByTag(page, language);
        await passes((tabletRules.idleLockSeconds - tabletRules.dimSeconds) * 1000 + 1000);
        await expect(page.getByTestId('tablet-dimmed')).toBeVisible();
        if (language === 'en') await expectScreenFits(page, 'tablet-dimmed', 'en');
        await expectAccessibleAtEverySize(page, 'tablet-dimmed', language);
        await page.getByTestId('tablet-dimmed').click();
        await expect(page.getByTestId('tablet-dimmed')).toHaveCount(0);
      }
      await chooseLanguageByTag(page, 'en');
      await page.getByTestId('mail-home').click();
      await page.getByTestId('sign-out').click();

      // No hub for five days: the warning on the lock screen, at sign-in and on every signed-in screen.
      await hub.stop();
      await passes(5 * dayMs + 60_000);
      await expect(page.getByTestId('tablet-sync-warning')).toBeVisible({ timeout: 15_000 });
      await fitsInBoth('tablet-lock-sync-warning');
      // The warning at sign-in is a modal in the person's language: chosen on the home screen, it is theirs at the next
      // sign-in, so each language is met by signing out and in again.
      for (const language of installedLanguages()) {
        await typePin(page, resident.pin);
        await expect(page.getByTestId('tablet-sync-warning-dialog')).toBeVisible();
        if (language === 'en') await expectScreenFits(page, 'tablet-sync-warning-dialog', 'en');
        await expect(page.locator('html')).toHaveAttribute('lang', language);
        await expectAccessibleAtEverySize(page, 'tablet-sync-warning-dialog', language);
        await page.getByTestId('tablet-sync-warning-dialog').getByRole('button').click();
        await expect(page.locator('[data-screen="home"]')).toBeVisible();
        const next = installedLanguages()[installedLanguages().indexOf(language) + 1];
        if (next === undefined) break;
        await chooseLanguageByTag(page, next);
        await page.getByTestId('sign-out').click();
        await expect(page.locator('[data-screen="tabletLock"]')).toBeVisible();
      }
      await chooseLanguageByTag(page, 'en');
      await fitsInBoth('home-sync-warning');
      await page.getByTestId('sign-out').click();

      // Two more days: locked for sync age, with "Try to update now".
      await passes(2 * dayMs);
      await expect(page.locator('[data-screen="syncLocked"]')).toBeVisible();
      await fitsInBoth('tablet-sync-locked');
      // Staff still reach service mode on a locked tablet.
      await openServiceMode(page, tablet);
      await page.getByTestId('service-sign-out').click();
    } finally {
      await tablet.stop();
    }
  });
});
