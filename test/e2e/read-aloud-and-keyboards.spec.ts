// Read-aloud on every screen and the on-screen keyboard in every language, on a real kiosk synced with a real hub.
//
// Speech: Debian's Chromium reaches espeak-ng through speech-dispatcher only with --enable-speech-dispatcher, and
// headless even then its voices came and went from one launch to the next on this machine (a shared speech-dispatcher
// daemon): a real voice cannot be a test's footing. So `window.speechSynthesis` and `SpeechSynthesisUtterance` are
// replaced before the page's scripts run by a stand-in that reproduces the Web Speech API's interface and events:
// `getVoices()` empty at first and the voices arriving later with `voiceschanged` (as Chromium does), `speak` queueing
// and firing `start`, `end` when the test lets the words finish, `cancel` ending what speaks with an `error` whose
// `error` is "interrupted", the `speaking`/`pending`/`paused` flags, and `SpeechSynthesisVoice` as the voices' class. The kiosk's real setup is in README
// "Deploying on Linux" (speech-dispatcher with espeak-ng voices).
import type { Page } from '@playwright/test';
import { demoResidents } from '../../scripts/demo-data';
import { everyInstalledLanguage, expect, signIn, test } from './support/hub-kiosk';
import { chooseLanguage } from './support/display-choices';

const marcus = demoResidents[0]!;
const ana = demoResidents[1]!;

interface SpeechRecord {
  spoken: Array<{ text: string; lang: string; voice: string | null }>;
  cancels: number;
  speaking: boolean;
}

/** Installs the stand-in with voices for `voiceLanguages` (arriving a moment after the page starts). */
async function fakeSpeech(page: Page, voiceLanguages: readonly string[]): Promise<void> {
  await page.addInitScript((langs: readonly string[]) => {
    class FakeVoice {
      readonly voiceURI: string;
      readonly localService = true;
      constructor(
        readonly lang: string,
        readonly name: string,
        readonly isDefault: boolean,
      ) {
        this.voiceURI = name;
      }
      get default(): boolean {
        return this.isDefault;
      }
    }
    class FakeUtterance extends EventTarget {
      voice: FakeVoice | null = null;
      lang = '';
      rate = 1;
      pitch = 1;
      volume = 1;
      onstart: ((event: Event) => void) | null = null;
      onend: ((event: Event) => void) | null = null;
      onerror: ((event: Event) => void) | null = null;
      constructor(public text = '') {
        super();
      }
      fire(type: 'start' | 'end' | 'error', error?: string): void {
        const event = Object.assign(new Event(type), { utterance: this, charIndex: 0, elapsedTime: 0, name: '' }, error === undefined ? {} : { error });
        this.dispatchEvent(event);
        const handler = type === 'start' ? this.onstart : type === 'end' ? this.onend : this.onerror;
        handler?.call(this, event);
      }
    }
    const record: SpeechRecord = { spoken: [], cancels: 0, speaking: false };
    const voices = langs.map((lang, index) => new FakeVoice(lang, `Test voice ${lang}`, index === 0));
    let offered: FakeVoice[] = [];
    let queue: FakeUtterance[] = [];
    class FakeSynthesis extends EventTarget {
      onvoiceschanged: ((event: Event) => void) | null = null;
      paused = false;
      get speaking(): boolean {
        return queue.length > 0;
      }
      get pending(): boolean {
        return queue.length > 1;
      }
      getVoices(): FakeVoice[] {
        return [...offered];
      }
      speak(utterance: FakeUtterance): void {
        queue.push(utterance);
        record.spoken.push({ text: utterance.text, lang: utterance.lang, voice: utterance.voice?.name ?? null });
        if (queue.length === 1) this.startNext();
      }
      cancel(): void {
        record.cancels += 1;
        const was = queue;
        queue = [];
        record.speaking = false;
        for (const utterance of was) utterance.fire('error', 'interrupted');
      }
      pause(): void {
        this.paused = true;
      }
      resume(): void {
        this.paused = false;
      }
      startNext(): void {
        const next = queue[0];
        if (next === undefined) return;
        record.speaking = true;
        setTimeout(() => next.fire('start'), 0);
      }
      /** The test lets the words being read finish. */
      finish(): void {
        const done = queue.shift();
        record.speaking = queue.length > 0;
        done?.fire('end');
        this.startNext();
      }
      voicesArrive(): void {
        offered = voices;
        const event = new Event('voiceschanged');
        this.dispatchEvent(event);
        this.onvoiceschanged?.call(this, event);
      }
    }
    const synthesis = new FakeSynthesis();
    Object.defineProperty(window, 'speechSynthesis', { value: synthesis, configurable: true });
    Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: FakeUtterance, configurable: true });
    Object.defineProperty(window, 'SpeechSynthesisVoice', { value: FakeVoice, configurable: true });
    Object.defineProperty(window, '__speech', { value: { record, finish: () => synthesis.finish() } });
    // Voices arrive after the first render, as Chromium's do.
    setTimeout(() => synthesis.voicesArrive(), 200);
  }, voiceLanguages);
}

function speech(page: Page): Promise<SpeechRecord> {
  return page.evaluate(() => structuredClone((window as unknown as { __speech: { record: SpeechRecord } }).__speech.record));
}

async function finishSpeaking(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { __speech: { finish(): void } }).__speech.finish());
}

test('every screen reads its heading and instructions aloud in the person’s language; leaving the screen stops it', async ({ page, kiosk }) => {
  // Eight screens and a language switch: at load 30 on the shared 2-core machine it took two minutes.
  test.setTimeout(300_000);
  await fakeSpeech(page, ['en-US', 'es-US']);
  await page.goto(kiosk.url);
  const attract = page.locator('[data-screen="attract"]');
  await expect(attract).toBeVisible();
  // The voices arrive after the first render; the button with them.
  await expect(attract.getByTestId('read-aloud-screen')).toBeVisible();
  await attract.getByTestId('read-aloud-screen').click();
  await expect.poll(async () => (await speech(page)).spoken.at(-1)?.text ?? '').toContain('Hold your ID card or wristband to the reader.');

  await kiosk.scan(marcus.badge);
  const pin = page.locator('[data-screen="pinEntry"]');
  await expect(pin).toBeVisible();
  // The attract screen went, and its words with it.
  await expect.poll(async () => (await speech(page)).speaking).toBe(false);
  for (const digit of marcus.pin) await page.getByRole('button', { name: digit, exact: true }).click();

  const home = page.locator('[data-screen="home"]');
  await expect(home).toBeVisible();
  const button = home.getByTestId('read-aloud-screen');
  await expect(button).toHaveText('Read this screen aloud');
  await button.click();
  const said = (await speech(page)).spoken.at(-1)!;
  expect(said.text).toContain('Hello, Marcus Lee');
  expect(said.text).toContain('Press a button to open your mail, your stamps, your money or your visits.');
  expect(said).toMatchObject({ lang: 'en-US', voice: 'Test voice en-US' });
  // Speaking is seen and can be stopped.
  await expect(home.getByTestId('read-aloud-screen-speaking')).toHaveText('Reading aloud…');
  await expect(button).toHaveAttribute('aria-pressed', 'true');
  await expect(button).toHaveText('Stop reading');
  await button.click();
  await expect(home.getByTestId('read-aloud-screen-speaking')).toHaveCount(0);
  expect((await speech(page)).speaking).toBe(false);
  // Read to the end: the speaking state goes by itself.
  await button.click();
  await expect(home.getByTestId('read-aloud-screen-speaking')).toBeVisible();
  await finishSpeaking(page);
  await expect(home.getByTestId('read-aloud-screen-speaking')).toHaveCount(0);
  await expect(button).toHaveText('Read this screen aloud');
  await page.screenshot({ path: 'test-results/screens/read-aloud-home.png' });

  // Reading, then another screen: the voice stops.
  await button.click();
  await expect(home.getByTestId('read-aloud-screen-speaking')).toBeVisible();
  const cancelsBefore = (await speech(page)).cancels;
  await page.getByTestId('tile-mail').click();
  const mail = page.locator('[data-screen="mail"]');
  await expect(mail).toBeVisible();
  await expect.poll(async () => (await speech(page)).cancels).toBeGreaterThan(cancelsBefore);
  expect((await speech(page)).speaking).toBe(false);
  await expect(page.getByTestId('read-aloud-screen-speaking')).toHaveCount(0);
  await mail.getByTestId('read-aloud-screen').click();
  expect((await speech(page)).spoken.at(-1)!.text).toContain('Press a name to read the letters from that person and to write back.');

  // A letter: one voice at a time — the letter's reader takes over from the screen's.
  await page.getByTestId('conversation').filter({ hasText: 'Denise Lee' }).click();
  const letter = page.getByTestId('letter').first();
  await expect(letter).toBeVisible();
  await page.getByTestId('read-aloud-screen').click();
  await expect(page.getByTestId('read-aloud-screen-speaking')).toBeVisible();
  await letter.getByTestId('read-aloud').click();
  await expect(page.getByTestId('read-aloud-screen-speaking')).toHaveCount(0);
  await expect(letter.getByTestId('read-aloud-speaking')).toBeVisible();
  expect((await speech(page)).spoken.at(-1)!.text).toContain('the kids drew you a picture');
  await page.screenshot({ path: 'test-results/screens/read-aloud-letter.png' });

  // In Spanish, in a Spanish voice, with the Spanish words.
  await chooseLanguage(page, 'Español');
  await expect(page.getByTestId('read-aloud-screen')).toHaveText('Leer esta pantalla en voz alta');
  await page.getByTestId('read-aloud-screen').click();
  expect((await speech(page)).spoken.at(-1)).toMatchObject({ lang: 'es-US', voice: 'Test voice es-US' });

  // Signing out ends the voice with the session.
  const cancelsBeforeSignOut = (await speech(page)).cancels;
  await page.getByTestId('mail-home').click();
  await page.getByTestId('sign-out').click();
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  expect(cancelsBeforeSignOut).toBeGreaterThan(0);
});

test('where no voice speaks the person’s language, no read-aloud button is offered at all', async ({ page, kiosk }) => {
  // English voices only: Ana reads Spanish.
  await fakeSpeech(page, ['en-GB']);
  await signIn(page, kiosk, ana);
  const home = page.locator('[data-screen="home"]');
  await expect(home.getByRole('heading')).toContainText('Ana');
  // Waits for the voices to have arrived (the English button appears once the screen is in English).
  await expect.poll(async () => await page.evaluate(() => window.speechSynthesis.getVoices().length)).toBe(1);
  await expect(page.getByTestId('read-aloud-screen')).toHaveCount(0);
  await chooseLanguage(page, 'English');
  await expect(page.getByTestId('read-aloud-screen')).toBeVisible();
});

test('the keyboard follows the screen language, with a key to English letters and back', async ({ page, kiosk }) => {
  await signIn(page, kiosk, ana);
  await page.getByTestId('tile-mail').click();
  await page.getByTestId('conversation').filter({ hasText: 'Rosa Díaz' }).click();
  await page.getByTestId('letter').first().getByTestId('reply').click();
  await expect(page.getByTestId('compose')).toBeVisible();
  const keyboard = page.getByTestId('on-screen-keyboard');
  await expect(keyboard).toHaveAttribute('data-keyboard', 'es');
  for (const key of ['¿', 'q', 'u', 'é', '{space}', 't', 'a', 'l', '?']) await keyboard.locator(`[data-skbtn="${key}"]`).click();
  await expect(page.getByTestId('compose-body')).toHaveValue('¿qué tal?');
  await keyboard.locator('[data-skbtn="{abc}"]').click();
  await expect(keyboard).toHaveAttribute('data-keyboard', 'en');
  await expect(keyboard.locator('[data-skbtn="ñ"]')).toHaveCount(0);
  await keyboard.locator('[data-skbtn="{own}"]').click();
  await expect(keyboard).toHaveAttribute('data-keyboard', 'es');
  await expect(keyboard.locator('[data-skbtn="ñ"]')).toBeVisible();
});

test.describe('Vietnamese and Chinese', () => {
  // A site that offers every language the screens have words for.
  test.use({ siteLanguages: everyInstalledLanguage() });
  // A hub and a kiosk to start (at load 16 they alone took 90 s), then some forty key presses.
  test.describe.configure({ timeout: 300_000 });

  test('a reply in Vietnamese with tone keys and in Chinese by pinyin', async ({ page, kiosk }) => {
    await signIn(page, kiosk, marcus);
    await chooseLanguage(page, 'Tiếng Việt');
    await page.getByTestId('tile-mail').click();
    await page.getByTestId('conversation').filter({ hasText: 'Denise Lee' }).click();
    await page.getByTestId('letter').first().getByTestId('reply').click();
    const keyboard = page.getByTestId('on-screen-keyboard');
    await expect(keyboard).toHaveAttribute('data-keyboard', 'vi');
    await page.getByTestId('compose-body').fill('');
    for (const key of ['V', 'i', 'ê', 't', '{tone-nang}', '{space}', 'N', 'a', 'm', '{space}', 'c', 'h', 'a', 'o', '{tone-huyen}']) {
      if (key === 'V' || key === 'N') {
        await keyboard.locator('[data-skbtn="{shift}"]').click();
        await keyboard.locator(`[data-skbtn="${key}"]`).click();
      } else await keyboard.locator(`[data-skbtn="${key}"]`).click();
    }
    await expect(page.getByTestId('compose-body')).toHaveValue('Việt Nam chào');

    // While the keyboard is open on a 1280×800 kiosk the language buttons give their row to the writing: hide the
    // keyboard, choose Chinese, and open it again.
    await page.getByTestId('keyboard-toggle').click();
    await expect(keyboard).toHaveCount(0);
    await chooseLanguage(page, '简体中文');
    await page.getByTestId('keyboard-toggle').click();
    await expect(keyboard).toHaveAttribute('data-keyboard', 'zh-Hans');
    await page.getByTestId('compose-body').fill('');
    for (const key of 'nihao') await keyboard.locator(`[data-skbtn="${key}"]`).click();
    await expect(page.getByTestId('pinyin-composition')).toHaveText('nihao');
    await page.getByTestId('pinyin-candidate').filter({ hasText: /^你$/ }).click();
    await expect(page.getByTestId('pinyin-composition')).toHaveText('hao');
    await page.getByTestId('pinyin-candidate').filter({ hasText: /^好$/ }).click();
    await expect(page.getByTestId('pinyin-bar')).toHaveCount(0);
    await expect(page.getByTestId('compose-body')).toHaveValue('你好');
    // The counter counts the characters the candidates put in, in Chinese: two, and no pinyin letters.
    await expect(page.getByTestId('compose-counter')).toContainText(/^2 个字/);
    await page.screenshot({ path: 'test-results/screens/keyboard-pinyin.png' });
  });
});
