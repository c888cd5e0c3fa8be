// Mail on a real kiosk against a real hub: a family letter approved at the hub is opened on the kiosk, answered with
// its return stamp, reviewed at the hub (through its console) and shown as delivered in the reply's timeline. And a
// corpus of hostile text sent through the hub comes back on screen as text, with no script run.
import type { Page } from '@playwright/test';
import { addContact, reviewMessage, sendFamilyMessage } from '../../hub/services/index';
import { demoResidents } from '../../scripts/demo-data';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostileBodies, hostileContactNames } from '../support/hostile-text';
import { makeTempDir } from '../support/temp-dir';
import { patternPng } from '../support/test-images';
import { expect, hubConsole, signIn, test } from './support/hub-kiosk';

const marcus = demoResidents[0]!;

/**
 * The text of every letter in the open conversation, oldest first. The conversation keeps only the letters on screen
 * in the page, so this scrolls it from top to bottom and reads each letter as it appears, checking on the way that
 * nothing inside any letter became an element (no script, image, link, frame or form).
 */
async function everyLetterText(page: Page): Promise<string[]> {
  const scroller = page.getByTestId('conversation-scroller');
  const texts = new Map<number, string>();
  await scroller.evaluate((element) => element.scrollTo({ top: 0 }));
  for (;;) {
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const seen = await page.locator('.conversation__slot').evaluateAll((slots) =>
      slots.map((slot) => ({
        index: Number(slot.getAttribute('data-index')),
        text: slot.querySelector('.message-text')?.textContent ?? '',
        elements: slot.querySelectorAll('.message-text *').length,
      })),
    );
    for (const letter of seen) {
      expect(letter.elements).toBe(0);
      texts.set(letter.index, letter.text);
    }
    const atBottom = await scroller.evaluate((element) => {
      if (element.scrollTop + element.clientHeight >= element.scrollHeight - 1) return true;
      element.scrollBy({ top: element.clientHeight * 0.8 });
      return false;
    });
    if (atBottom) break;
  }
  return [...texts.entries()].sort(([a], [b]) => a - b).map(([, text]) => text);
}

test('a letter with photos and a return stamp: viewed, read aloud, answered with the stamp, reviewed, delivered', async ({ page, hub, kiosk }) => {
  const family = hub.families[0]!;
  // The platform's speech synthesis, watched: what the kiosk asks it to say, in which language.
  await page.addInitScript(() => {
    const spoken: Array<{ text: string; lang: string }> = [];
    (window as unknown as { __spoken: typeof spoken }).__spoken = spoken;
    // A platform with a voice (the button is offered only then; headless Chromium may have none).
    window.speechSynthesis.getVoices = () => [
      { lang: 'en-US', name: 'Test voice', localService: true, default: true, voiceURI: 'test' } as SpeechSynthesisVoice,
    ];
    window.speechSynthesis.speak = (utterance: SpeechSynthesisUtterance) => {
      spoken.push({ text: utterance.text, lang: utterance.lang });
    };
  });
  await signIn(page, kiosk);
  const photos = makeTempDir('dayroom-e2e-photos-');
  const beach = join(photos.path, 'beach.png');
  const birthday = join(photos.path, 'birthday.png');
  writeFileSync(
    beach,
    patternPng(640, 480, [
      [80, 160, 230],
      [240, 220, 150],
    ]),
  );
  writeFileSync(
    birthday,
    patternPng(480, 640, [
      [230, 90, 120],
      [250, 240, 240],
      [120, 200, 120],
    ]),
  );
  const sent = await hubConsole(
    hub.consoleFile,
    'send-family-message',
    '--contact',
    family.contact.contact_id,
    '--text',
    'See you Sunday',
    '--photo',
    beach,
    '--photo',
    birthday,
    '--return-stamp',
  );
  photos.remove();
  const letterId = /message id ([0-9a-f-]{36})/.exec(sent)?.[1];
  expect(letterId).toBeDefined();
  await hubConsole(hub.consoleFile, 'approve', '--message', letterId!);
  await expect(page.getByTestId('tile-mail')).toContainText('2 new messages', { timeout: 20_000 });

  await page.getByTestId('tile-mail').click();
  await expect(page.locator('[data-screen="mail"]')).toBeVisible();
  const row = page.getByTestId('conversation').filter({ hasText: 'Denise Lee' });
  await expect(row).toContainText('2 new');
  await row.click();
  const letter = page.locator(`[data-testid="letter"][data-message-id="${letterId}"]`);
  await expect(letter).toContainText('See you Sunday');
  await expect(letter).toContainText('A return stamp came with this letter');

  // The photos arrive after the text (blobs follow the pull); then they open in the viewer.
  const thumbnails = letter.getByTestId('open-picture');
  await expect(thumbnails).toHaveCount(2, { timeout: 20_000 });
  await expect(letter.locator('[data-testid="attachment"][data-state="ready"] img')).toHaveCount(2);
  await expect.poll(() => letter.locator('img').evaluateAll((images) => images.map((image) => (image as HTMLImageElement).naturalWidth))).toEqual([640, 480]);
  await thumbnails.first().click();
  const viewer = page.getByTestId('picture-viewer');
  await expect(viewer).toBeVisible();
  await expect(page.getByTestId('viewer-position')).toHaveText('Photo 1 of 2');
  await expect.poll(() => page.getByTestId('viewer-image').evaluate((image) => (image as HTMLImageElement).naturalHeight)).toBe(480);
  await page.screenshot({ path: 'test-results/screens/mail-photo-viewer.png' });
  const fittedWidth = await page.getByTestId('viewer-image').evaluate((image) => image.getBoundingClientRect().width);
  await page.getByTestId('viewer-zoom-in').click();
  await page.getByTestId('viewer-zoom-in').click();
  await expect(viewer).toHaveAttribute('data-zoom', '2');
  await expect(page.getByTestId('viewer-zoom-out')).toBeEnabled();
  const zoomedWidth = await page.getByTestId('viewer-image').evaluate((image) => image.getBoundingClientRect().width);
  expect(zoomedWidth).toBeGreaterThan(fittedWidth * 1.5);
  await page.screenshot({ path: 'test-results/screens/mail-photo-viewer-zoomed.png' });
  await page.getByTestId('viewer-next').click();
  await expect(page.getByTestId('viewer-position')).toHaveText('Photo 2 of 2');
  await expect(viewer).toHaveAttribute('data-zoom', '1');
  await expect.poll(() => page.getByTestId('viewer-image').evaluate((image) => (image as HTMLImageElement).naturalHeight)).toBe(640);
  await page.getByTestId('viewer-next').click();
  await expect(page.getByTestId('viewer-position')).toHaveText('Photo 1 of 2');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('viewer-position')).toHaveText('Photo 2 of 2');
  await page.getByTestId('viewer-close').click();
  await expect(viewer).toHaveCount(0);

  // The attachment route serves only with the page's token, and only the signed-in person's own attachments.
  const imageUrl = await letter.locator('img').first().getAttribute('src');
  expect(imageUrl).toMatch(/^\/attachments\/[^/]+\/[^/?]+\?token=/);
  const origin = new URL(kiosk.url).origin;
  expect((await page.request.get(`${origin}${imageUrl!.replace(/\?token=.*$/, '')}`)).status()).toBe(403);
  expect((await page.request.get(`${origin}${imageUrl!.replace(/\/attachments\/[^/]+\//, '/attachments/not-a-message/')}`)).status()).toBe(404);

  await letter.getByTestId('read-aloud').click();
  expect(await page.evaluate(() => (window as unknown as { __spoken: Array<{ text: string; lang: string }> }).__spoken)).toEqual([
    { text: 'See you Sunday', lang: 'en-US' },
  ]);
  await letter.getByTestId('read-aloud').click();

  await letter.getByTestId('reply').click();
  await expect(page.getByTestId('compose')).toBeVisible();
  await page.getByTestId('compose-body').fill('Thank you Mom');
  // A few keys on the on-screen keyboard, as a kiosk without a keyboard would type them.
  for (const key of ['{space}', 'x', 'o']) await page.locator(`[data-testid="on-screen-keyboard"] [data-skbtn="${key}"]`).click();
  await expect(page.getByTestId('compose-body')).toHaveValue('Thank you Mom xo');
  await expect(page.getByTestId('compose-cost')).toContainText(
    'This message costs 1 stamp. The return stamp that came with the letter pays for one stamp. Nothing comes out of your own stamps.',
  );
  await expect(page.getByTestId('compose-counter')).toContainText('16 characters · 1984 more characters before the next stamp starts');
  await expect(page.getByTestId('compose-refund-rule')).toContainText('If it is rejected, your stamps come back.');
  await expect(page.getByTestId('draft-state')).toContainText('Draft saved');
  await page.screenshot({ path: 'test-results/screens/mail-compose-en.png' });
  await page.getByTestId('send').click();

  const reply = page.locator('[data-testid="letter"][data-direction="outbound"]').filter({ hasText: 'Thank you Mom xo' });
  await expect(reply).toBeVisible();
  const timeline = reply.getByTestId('sent-timeline');
  // Pushed by the next sync: the hub has it and it waits for review.
  await expect(timeline).toHaveAttribute('data-state', 'inReview', { timeout: 20_000 });

  const queue = await hubConsole(hub.consoleFile, 'review-queue');
  const replyId = new RegExp(
    `From ${marcus.displayName} \\(\\w+\\) to Denise Lee, received .* — message ([0-9a-f-]{36})\\n  16 characters, 0 stamps paid:\\n  \\| Thank you Mom xo`,
  ).exec(queue)?.[1];
  expect(replyId, queue).toBeDefined();
  await hubConsole(hub.consoleFile, 'approve', '--message', replyId!);
  await expect(timeline).toHaveAttribute('data-state', 'delivered', { timeout: 20_000 });
  await expect(timeline).toContainText('Delivered');
  await expect(timeline.locator('[data-step="delivered"]')).toHaveAttribute('data-done', 'true');
  // The return stamp is spent: the letter no longer offers it.
  await expect(letter).not.toContainText('A return stamp came with this letter');
  await page.screenshot({ path: 'test-results/screens/mail-timeline-delivered-en.png' });

  // Signed out, the same address serves nothing.
  await page.getByTestId('mail-home').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  expect((await page.request.get(`${origin}${imageUrl!}`)).status()).toBe(404);
});

test('a video message plays in the letter; a photo withheld by review says why and the rest is delivered', async ({ page, hub, kiosk }) => {
  test.setTimeout(90_000);
  const family = hub.families[0]!;
  await page.goto(kiosk.url);
  // A real WebM, recorded by this Chromium from a canvas (as a phone would record a clip), so the kiosk plays a file
  // its own media stack produced rather than a hand-made header.
  const clip = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 120;
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2d context');
    const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm' });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (event) => chunks.push(event.data);
    const stopped = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start();
    for (let frame = 0; frame < 30; frame += 1) {
      context.fillStyle = `hsl(${frame * 12}, 70%, 50%)`;
      context.fillRect(0, 0, 160, 120);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    recorder.stop();
    await stopped;
    return Array.from(new Uint8Array(await new Blob(chunks).arrayBuffer()));
  });
  const files = makeTempDir('dayroom-e2e-video-');
  const video = join(files.path, 'hello.webm');
  const photo = join(files.path, 'photo.png');
  writeFileSync(video, Buffer.from(clip));
  writeFileSync(photo, patternPng(300, 200, [[40, 40, 200]]));
  const sent = await hubConsole(
    hub.consoleFile,
    'send-family-message',
    '--contact',
    family.contact.contact_id,
    '--text',
    'A video from the park',
    '--video',
    video,
    '--photo',
    photo,
  );
  files.remove();
  const letterId = /message id ([0-9a-f-]{36})/.exec(sent)?.[1];
  const queue = await hubConsole(hub.consoleFile, 'review-queue');
  // This letter's own lines of the queue: the demo leaves other letters waiting too, one of them with a photo.
  const thisLetter = queue.slice(queue.indexOf(`message ${letterId}`));
  const photoId = new RegExp(`\\+ photo image/png, .* — attachment ([0-9a-f-]{36})`).exec(thisLetter)?.[1];
  expect(photoId, queue).toBeDefined();
  await hubConsole(
    hub.consoleFile,
    'approve',
    '--message',
    letterId!,
    '--reject-attachment',
    photoId!,
    '--reason',
    'Photos of other residents are not allowed',
  );

  await signIn(page, kiosk);
  await page.getByTestId('tile-mail').click();
  await page.getByTestId('conversation').filter({ hasText: family.contact.display_name }).click();
  const letter = page.locator(`[data-testid="letter"][data-message-id="${letterId}"]`);
  await expect(letter).toContainText('A video from the park', { timeout: 20_000 });
  await expect(letter.locator('[data-testid="attachment"][data-state="withheld"]')).toHaveText(
    'Photo held back by the facility’s review. The reviewer’s reason: Photos of other residents are not allowed',
  );
  const player = letter.getByTestId('video');
  await expect(player).toBeVisible({ timeout: 20_000 });
  // Loaded through the attachment route and decodable: metadata known, then it plays.
  await expect.poll(() => player.evaluate((element) => (element as HTMLVideoElement).readyState), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
  await player.evaluate((element) => {
    const media = element as HTMLVideoElement;
    media.muted = true;
    return media.play();
  });
  await expect.poll(() => player.evaluate((element) => (element as HTMLVideoElement).currentTime), { timeout: 20_000 }).toBeGreaterThan(0);
  await letter.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screens/mail-video-and-withheld-photo.png' });
});

test('where speech synthesis is missing, there is no read-aloud button', async ({ page, hub, kiosk }) => {
  await page.addInitScript(() => {
    // As on a platform without it: the attribute and the constructor gone.
    delete (Window.prototype as unknown as { speechSynthesis?: unknown }).speechSynthesis;
    delete (window as unknown as { SpeechSynthesisUtterance?: unknown }).SpeechSynthesisUtterance;
  });
  await signIn(page, kiosk);
  const family = hub.families[0]!;
  await page.getByTestId('tile-mail').click();
  await page.getByTestId('conversation').filter({ hasText: family.contact.display_name }).click();
  await expect(page.getByTestId('letter').first()).toBeVisible();
  await expect(page.getByTestId('reply').first()).toBeVisible();
  await expect(page.getByTestId('read-aloud')).toHaveCount(0);
});

test('hostile message text and contact names are shown as text and run nothing', async ({ page, hub, kiosk }) => {
  test.setTimeout(120_000);
  const context = hub.running.context;
  const residentId = hub.families[0]!.contact.resident_id;
  const contacts = [];
  for (const name of hostileContactNames)
    contacts.push(await addContact(context, { residentId, displayName: name, relationship: '<b>kin</b>', approved: true }));
  for (const [index, body] of hostileBodies.entries()) {
    const contact = contacts[index % contacts.length]!;
    const message = await sendFamilyMessage(context, { contactId: contact.contact_id, body });
    await reviewMessage(context, { decision: 'approve', messageId: message.message_id, reviewer: 'e2e' });
  }

  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.addInitScript(() => {
    (window as unknown as { __pwned: number }).__pwned = 0;
  });
  await signIn(page, kiosk);
  await expect(page.getByTestId('tile-mail')).toContainText(`${hostileBodies.length + 1} new messages`, { timeout: 30_000 });
  await page.getByTestId('tile-mail').click();

  // Every contact's row is there before the names are read (allTextContents does not wait).
  await expect(page.getByTestId('conversation')).toHaveCount(hostileContactNames.length + 1);
  const names = await page.getByTestId('conversation').locator('.conversation-row__name').allTextContents();
  for (const name of hostileContactNames) expect(names).toContain(name);

  for (const [index, contact] of contacts.entries()) {
    await page.getByTestId('mail-inbox').or(page.getByTestId('conversation-list')).first().waitFor();
    if (await page.getByTestId('mail-inbox').isVisible()) await page.getByTestId('mail-inbox').click();
    await page
      .getByTestId('conversation')
      .filter({ has: page.locator('.conversation-row__name', { hasText: contact.display_name }) })
      .first()
      .click();
    const expected = hostileBodies.filter((_, bodyIndex) => bodyIndex % contacts.length === index);
    await expect(page.getByTestId('letter').first()).toBeVisible();
    expect(await everyLetterText(page)).toEqual(expected);
  }
  await expect(page.locator('[data-screen="mail"] a, [data-screen="mail"] iframe, [data-screen="mail"] img, [data-screen="mail"] script')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned: number }).__pwned)).toBe(0);
  expect(dialogs).toEqual([]);
  await page.screenshot({ path: 'test-results/screens/mail-hostile-text.png' });
});

test('a draft saved while typing survives sign-out and a restart of the kiosk, and can be picked up again', async ({ page, kiosk }) => {
  await signIn(page, kiosk);
  await page.getByTestId('tile-mail').click();
  await page.getByTestId('conversation').filter({ hasText: 'Denise Lee' }).click();
  await page.getByTestId('write').click();
  await page.getByTestId('compose-body').fill('Half a letter, to be finished tomorrow');
  await expect(page.getByTestId('draft-state')).toContainText('Draft saved');
  await page.getByTestId('mail-home').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await expect(page.locator('body')).not.toContainText('Half a letter');

  await kiosk.restart();
  await signIn(page, kiosk);
  await page.getByTestId('tile-mail').click();
  await page.getByTestId('mail-drafts').click();
  const draft = page.getByTestId('draft');
  await expect(draft).toHaveCount(1);
  await expect(draft).toContainText('Denise Lee');
  await draft.click();
  await expect(page.getByTestId('compose-body')).toHaveValue('Half a letter, to be finished tomorrow');
  await page.getByTestId('compose-body').fill('Half a letter, finished today');
  await page.getByTestId('send').click();
  await expect(page.locator('[data-testid="letter"][data-direction="outbound"]').filter({ hasText: 'Half a letter, finished today' })).toBeVisible();
  await page.getByTestId('mail-drafts').click();
  await expect(page.getByText('You have no drafts.')).toBeVisible();

  // More than the person has: said in words before sending, with a way to stamps.
  await page.getByTestId('mail-inbox').click();
  await page.getByTestId('conversation').filter({ hasText: 'Denise Lee' }).click();
  await page.getByTestId('write').click();
  await page.getByTestId('compose-body').fill('x'.repeat(12_001));
  await expect(page.getByTestId('send-refusal')).toContainText('This message needs 7 of your stamps and you have 4.');
  await expect(page.getByTestId('send')).toBeDisabled();
  await page.getByRole('button', { name: 'Get stamps' }).click();
  await expect(page.locator('[data-screen="stamps"]')).toBeVisible();
  await expect(page.getByTestId('stamp-book').first()).toBeVisible();
});

test('a letter sent from a slow device is not kept as a draft as well', async ({ page, kiosk }) => {
  // The device answers Send after two seconds, longer than the pause after which what is typed is saved: a save made
  // in that time used to reach the device after the letter and bring its draft back.
  await page.routeWebSocket(/./, (socket) => {
    const device = socket.connectToServer();
    const slowCalls = new Set<number>();
    socket.onMessage((message) => {
      const frame: unknown = typeof message === 'string' ? JSON.parse(message) : null;
      if (typeof frame === 'object' && frame !== null && 'name' in frame && frame.name === 'mail.send' && 'id' in frame && typeof frame.id === 'number')
        slowCalls.add(frame.id);
      device.send(message);
    });
    device.onMessage((message) => {
      const frame: unknown = typeof message === 'string' ? JSON.parse(message) : null;
      const slow = typeof frame === 'object' && frame !== null && 'id' in frame && typeof frame.id === 'number' && slowCalls.has(frame.id);
      if (slow) setTimeout(() => socket.send(message), 2_000);
      else socket.send(message);
    });
  });
  await signIn(page, kiosk);
  await page.getByTestId('tile-mail').click();
  await page.getByTestId('conversation').filter({ hasText: 'Denise Lee' }).click();
  await page.getByTestId('write').click();
  await page.getByTestId('compose-body').fill('Sent the moment it was written');
  await page.getByTestId('send').click();
  await expect(page.locator('[data-testid="letter"][data-direction="outbound"]').filter({ hasText: 'Sent the moment it was written' })).toBeVisible();
  await page.getByTestId('mail-drafts').click();
  await expect(page.getByText('You have no drafts.')).toBeVisible();
  // The list is read again from the device after a moment, so a draft saved late would show by now.
  await page.getByTestId('mail-inbox').click();
  await page.getByTestId('mail-drafts').click();
  await expect(page.getByText('You have no drafts.')).toBeVisible();
  await expect(page.getByTestId('draft')).toHaveCount(0);
});

test('a long contact list keeps only the rows on screen in the page', async ({ page, hub, kiosk }) => {
  const residentId = hub.families[0]!.contact.resident_id;
  for (let index = 0; index < 80; index += 1) {
    await addContact(hub.running.context, { residentId, displayName: `Zz contact ${String(index).padStart(2, '0')}`, relationship: 'friend', approved: true });
  }
  await signIn(page, kiosk);
  await page.getByTestId('tile-mail').click();
  const rows = page.getByTestId('conversation');
  await expect(rows.filter({ hasText: 'Zz contact 00' })).toBeVisible({ timeout: 20_000 });
  const rendered = await rows.count();
  expect(rendered).toBeGreaterThan(2);
  expect(rendered).toBeLessThan(40);
  await page.getByTestId('conversation-list').evaluate((list) => list.scrollTo({ top: list.scrollHeight }));
  await expect(rows.filter({ hasText: 'Zz contact 79' })).toBeVisible();
  await expect(rows.filter({ hasText: 'Zz contact 00' })).toHaveCount(0);
});

test('a conversation of 150 letters opens at the newest and keeps only the letters on screen in the page', async ({ page, hub, kiosk }) => {
  test.setTimeout(120_000);
  const context = hub.running.context;
  const residentId = hub.families[0]!.contact.resident_id;
  const pen = await addContact(context, { residentId, displayName: 'Pen Pal', relationship: 'friend', approved: true });
  for (let index = 1; index <= 150; index += 1) {
    const message = await sendFamilyMessage(context, { contactId: pen.contact_id, body: `Letter number ${index}` });
    await reviewMessage(context, { decision: 'approve', messageId: message.message_id, reviewer: 'e2e' });
  }
  await signIn(page, kiosk);
  await expect(page.getByTestId('tile-mail')).toContainText('151 new messages', { timeout: 30_000 });
  await page.getByTestId('tile-mail').click();
  await page.getByTestId('conversation').filter({ hasText: 'Pen Pal' }).click();
  await expect(page.getByTestId('letter').filter({ hasText: 'Letter number 150' })).toBeInViewport();
  expect(await page.getByTestId('letter').count()).toBeLessThan(40);
  await page.getByTestId('conversation-scroller').evaluate((element) => element.scrollTo({ top: 0 }));
  await expect(page.locator('[data-testid="letter"] .message-text').filter({ hasText: /^Letter number 1$/ })).toBeInViewport();
  expect(await page.getByTestId('letter').count()).toBeLessThan(40);
  await page.screenshot({ path: 'test-results/screens/mail-long-conversation.png' });
});

test('a Spanish speaker writes in Spanish, with ñ and accents on the on-screen keyboard', async ({ page, kiosk }) => {
  const ana = demoResidents[1]!;
  await signIn(page, kiosk, ana);
  await page.getByTestId('tile-mail').click();
  await expect(page.locator('[data-screen="mail"]')).toContainText('Correo');
  await page.getByTestId('conversation').filter({ hasText: 'Rosa Díaz' }).click();
  await expect(page.getByTestId('letter').first()).toContainText('Esta carta trae una estampilla de respuesta');
  await page.getByTestId('reply').first().click();
  for (const key of ['{shift}', 'N', 'i', 'ñ', 'o', '{space}', 'q', 'u', 'e', 'r', 'i', 'd', 'o']) {
    await page.locator(`[data-testid="on-screen-keyboard"] [data-skbtn="${key}"]`).click();
  }
  await expect(page.getByTestId('compose-body')).toHaveValue('Niño querido');
  // Keys go where the cursor is: back between the words, a word added there, a letter taken out there.
  await page.getByTestId('compose-body').evaluate((field) => (field as HTMLTextAreaElement).setSelectionRange(4, 4));
  for (const key of ['{space}', 'm', 'u', 'y', 'x', '{bksp}']) await page.locator(`[data-testid="on-screen-keyboard"] [data-skbtn="${key}"]`).click();
  await expect(page.getByTestId('compose-body')).toHaveValue('Niño muy querido');
  await expect.poll(() => page.getByTestId('compose-body').evaluate((field) => (field as HTMLTextAreaElement).selectionStart)).toBe(8);
  await expect(page.getByTestId('compose-cost')).toContainText(
    'Este mensaje cuesta 1 estampilla. La estampilla de respuesta que vino con la carta paga una estampilla.',
  );
  await expect(page.getByTestId('compose-refund-rule')).toContainText('Si lo rechaza, se le devuelven las estampillas.');
  await page.screenshot({ path: 'test-results/screens/mail-compose-es.png' });
});
