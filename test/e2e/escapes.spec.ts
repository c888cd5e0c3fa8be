// The escapes a curious person tries at the kiosk, in Debian's Chromium against the real web host, runtime and hub:
// browser shortcuts, zoom keys, a right-click, a middle-click, a file dragged in, and a link inside a letter. After each
// the kiosk shows the same screen for the same person at the same address: no navigation, no new page, no zoom.
//
// What this suite can and cannot prove. Headless Chromium driven over CDP does not act on browser accelerators the way
// a windowed browser would (Ctrl+W and Alt+F4 close nothing here whatever the page does), and no page can stop a
// script of its own from navigating (`location.href = ...`) or from calling window.open: beforeunload cannot veto a
// navigation and a page's own override of window.open is undone by any script able to call it. So here we prove what
// a person can reach — the keys, the mouse, a drop, the letters' text (rendered as text, never links) — and that no
// script of theirs can run (CSP, text-only rendering: test/e2e/mail.spec.ts). The Electron shell is what drops the
// shortcuts (before-input-event → inputFilterDecision), denies navigation to anything but app://dayroom
// (will-navigate → navigationDecision, which also refuses a dropped file's file:// URL), denies every window.open
// (windowOpenDecision), suppresses the context menu and pinch zoom: each rule is unit-tested, for every key listed
// here, in test/unit/electron/policy.test.ts. The web host is for development, the demo and these tests.
import type { Page } from '@playwright/test';
import { demoResidents } from '../../scripts/demo-data';
import { expect, hubConsole, signIn, test } from './support/hub-kiosk';

/** The shortcuts of issue 7's list, as Playwright names them. */
const escapeKeys = [
  'Control+w',
  'Control+r',
  'Control+t',
  'Control+n',
  'F5',
  'F11',
  'F12',
  'Alt+F4',
  'Alt+ArrowLeft',
  'Control+p',
  'Control+Shift+Equal', // Ctrl+plus
  'Control+Equal',
  'Control+Minus',
  'Control+0',
] as const;

interface KioskState {
  readonly url: string;
  readonly screen: string | null;
  readonly devicePixelRatio: number;
  readonly visualScale: number;
  readonly innerWidth: number;
}

async function stateOf(page: Page): Promise<KioskState> {
  return {
    url: page.url(),
    screen: await page.locator('[data-screen]').first().getAttribute('data-screen'),
    ...(await page.evaluate(() => ({
      devicePixelRatio: window.devicePixelRatio,
      visualScale: window.visualViewport?.scale ?? 1,
      innerWidth: window.innerWidth,
    }))),
  };
}

/** Counts what must never happen: a new page or popup, and a navigation of the kiosk's own page. */
function watchForEscapes(page: Page): { newPages: () => number; navigations: () => number } {
  let newPages = 0;
  let navigations = 0;
  page.context().on('page', () => {
    newPages += 1;
  });
  page.on('popup', () => {
    newPages += 1;
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations += 1;
  });
  return { newPages: () => newPages, navigations: () => navigations };
}

test.describe('escapes a person can try at the screen', () => {
  test('shortcuts, right- and middle-clicks and a dropped file leave the kiosk as it was', async ({ page, kiosk }) => {
    const marcus = demoResidents[0]!;
    await signIn(page, kiosk, marcus);
    const signedIn = await stateOf(page);
    expect(signedIn.screen).toBe('home');
    const watch = watchForEscapes(page);
    const session = async () => page.getByText(marcus.displayName).count();
    const nameShown = await session();

    const expectUnchanged = async (attempt: string) => {
      await expect(page.locator('[data-screen="home"]'), attempt).toBeVisible();
      expect(await stateOf(page), attempt).toEqual(signedIn);
      expect(await session(), attempt).toBe(nameShown);
      expect(watch.newPages(), `${attempt} opened a page`).toBe(0);
      expect(watch.navigations(), `${attempt} navigated`).toBe(0);
      expect(page.context().pages(), attempt).toHaveLength(1);
    };

    const middle = { x: 640, y: 400 };
    for (const key of escapeKeys) {
      await page.mouse.move(middle.x, middle.y);
      await page.keyboard.press(key);
      await expectUnchanged(key);
    }

    // A right-click (a long press on the touch screen): the page builds no menu of its own and cancels the browser's
    // (renderer/src/pageGuards.ts; Electron also refuses it, context-menu in main.ts).
    await page.evaluate(() => {
      window.addEventListener('contextmenu', (event) => ((window as unknown as { menuRefused: boolean }).menuRefused = event.defaultPrevented));
    });
    await page.mouse.click(middle.x, middle.y, { button: 'right' });
    expect(await page.evaluate(() => (window as unknown as { menuRefused?: boolean }).menuRefused), 'the browser menu was cancelled').toBe(true);
    await page.keyboard.press('Escape');
    await expectUnchanged('right-click');
    // A middle-click would open a link in a new window; there is no link to open, and Electron denies the window.
    await page.mouse.click(middle.x, middle.y, { button: 'middle' });
    await expectUnchanged('middle-click');
    expect(await page.locator('a[href], area[href], form, iframe, object, embed').count(), 'elements that navigate or embed').toBe(0);

    // A file dragged in from outside: nothing of it is opened or shown, and the page does not go to it.
    const dropped = await page.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['<h1 id="dropped">dropped file</h1>'], 'escape.html', { type: 'text/html' }));
      const target = document.elementFromPoint(640, 400) ?? document.body;
      const cancelled: Record<string, boolean> = {};
      for (const type of ['dragenter', 'dragover', 'drop']) {
        cancelled[type] = !target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true, clientX: 640, clientY: 400 }));
      }
      return { shown: document.getElementById('dropped') !== null || document.body.innerText.includes('dropped file'), cancelled };
    });
    expect(dropped.shown).toBe(false);
    // Cancelled dragover and drop are what keep Chromium from opening the file itself (renderer/src/pageGuards.ts).
    expect(dropped.cancelled).toMatchObject({ dragover: true, drop: true });
    await expectUnchanged('a dropped file');
  });
});

test.describe('a link inside a letter', () => {
  test('arrives as plain text: no link element, nothing to click away to', async ({ page, hub, kiosk }) => {
    const marcus = demoResidents[0]!;
    const family = hub.families[0]!;
    await signIn(page, kiosk, marcus);
    const watch = watchForEscapes(page);
    const body = 'Look: https://example.com/escape and <a href="https://example.com/x">click here</a> <img src=x onerror=alert(1)> www.example.org';
    const sent = await hubConsole(hub.consoleFile, 'send-family-message', '--contact', family.contact.contact_id, '--text', body);
    const letterId = /message id ([0-9a-f-]{36})/.exec(sent)?.[1];
    expect(letterId).toBeDefined();
    await hubConsole(hub.consoleFile, 'approve', '--message', letterId!);
    await expect(page.getByTestId('tile-mail')).toContainText('2 new messages', { timeout: 20_000 });

    await page.getByTestId('tile-mail').click();
    await page.getByTestId('conversation').filter({ hasText: family.contact.display_name }).click();
    const letter = page.locator(`[data-testid="letter"][data-message-id="${letterId}"]`);
    // Every character as it was written, as text.
    await expect(letter).toContainText(body);
    expect(await letter.locator('a, img, [href], [src], [onerror]').count()).toBe(0);
    expect(await page.locator('a[href]').count()).toBe(0);

    // Clicking the words of the address does nothing but what a click on text does.
    const address = letter.getByText('https://example.com/escape', { exact: false });
    const before = page.url();
    await address.click();
    await address.click({ button: 'middle' });
    await address.click({ modifiers: ['Control'] });
    expect(page.url()).toBe(before);
    expect(watch.newPages()).toBe(0);
    expect(page.context().pages()).toHaveLength(1);
    await expect(letter).toBeVisible();
  });
});
