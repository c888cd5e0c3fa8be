// Captions on a family video (docs/screens.md §17), on a real kiosk against a real hub: staff send a video with a
// WebVTT caption file through the hub console, the mailroom approves it, and the kiosk plays it with its caption track
// — offered but not shown to a person who has not asked for captions, shown by default once they turn Captions on in
// the Display chooser, and still on after they sign out and in again (the runtime keeps it with their row).
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sendFamilyMessage } from '../../hub/services/index';
import { demoResidents } from '../../scripts/demo-data';
import { makeTempDir } from '../support/temp-dir';
import { inDisplayChoices, toggleDisplayChoice } from './support/display-choices';
import { test as consoleTest, screenshotAtDeskSizes } from './support/console';
import { expect, hubConsole, signIn, test } from './support/hub-kiosk';

const marcus = demoResidents[0]!;
const ana = demoResidents[1]!;
const cueTexts = ['Hi Marcus, this is the park.', 'We love you. See you soon.'];
const captions = `WEBVTT\n\n00:00:00.000 --> 00:00:00.600\n${cueTexts[0]}\n\n00:00:00.600 --> 00:00:10.000\n${cueTexts[1]}\n`;

/** A real WebM recorded by this Chromium from a canvas, as a phone records a clip. */
async function recordClip(page: Page): Promise<Buffer> {
  const clip = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 180;
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2d context');
    const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm' });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (event) => chunks.push(event.data);
    const stopped = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start();
    for (let frame = 0; frame < 30; frame += 1) {
      context.fillStyle = `hsl(${120 + frame * 2}, 50%, 40%)`;
      context.fillRect(0, 0, 320, 180);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    recorder.stop();
    await stopped;
    return Array.from(new Uint8Array(await new Blob(chunks).arrayBuffer()));
  });
  return Buffer.from(clip);
}

/** The player's caption tracks as the page sees them: language, label, mode, and the cue texts once loaded. */
function captionTracksOf(player: Locator) {
  return player.evaluate((element) =>
    Array.from((element as HTMLVideoElement).textTracks).map((track) => ({
      kind: track.kind,
      language: track.language,
      label: track.label,
      mode: track.mode,
      cues: Array.from(track.cues ?? []).map((cue) => (cue as VTTCue).text),
    })),
  );
}

async function openVideoLetter(page: Page, familyName: string, letterId: string): Promise<Locator> {
  await page.getByTestId('tile-mail').click();
  await page.getByTestId('conversation').filter({ hasText: familyName }).click();
  const letter = page.locator(`[data-testid="letter"][data-message-id="${letterId}"]`);
  await expect(letter).toContainText('A video from the park', { timeout: 20_000 });
  const player = letter.getByTestId('video');
  await expect(player).toBeVisible({ timeout: 20_000 });
  return player;
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId('mail-home').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
}

test('a video letter carries its captions: offered to everyone, shown by default to a person who turned Captions on, kept across sign-ins', async ({
  page,
  hub,
  kiosk,
}) => {
  test.setTimeout(150_000);
  const family = hub.families.find((candidate) => candidate.resident.badge === marcus.badge)!;
  await page.goto(kiosk.url);
  const files = makeTempDir('dayroom-e2e-captions-');
  const video = join(files.path, 'park.webm');
  const track = join(files.path, 'park.vtt');
  writeFileSync(video, await recordClip(page));
  writeFileSync(track, captions);
  const sent = await hubConsole(
    hub.consoleFile,
    'send-family-message',
    '--contact',
    family.contact.contact_id,
    '--text',
    'A video from the park',
    '--video',
    video,
    '--captions',
    track,
  );
  files.remove();
  expect(sent).toContain('with captions in en');
  const letterId = /message id ([0-9a-f-]{36})/.exec(sent)?.[1];
  expect(letterId, sent).toBeDefined();
  await hubConsole(hub.consoleFile, 'approve', '--message', letterId!);

  // Marcus has not asked for captions: the track is there (the player's CC button offers it), not showing.
  await signIn(page, kiosk, marcus);
  let player = await openVideoLetter(page, family.contact.display_name, letterId!);
  await expect.poll(() => captionTracksOf(player), { timeout: 20_000 }).toMatchObject([{ kind: 'captions', language: 'en', label: 'English' }]);
  expect((await captionTracksOf(player))[0]?.mode).not.toBe('showing');

  // He turns Captions on; the letter, opened again, shows them by default, with the sender's words.
  await toggleDisplayChoice(page, 'captions-toggle');
  await page.getByTestId('mail-home').click();
  player = await openVideoLetter(page, family.contact.display_name, letterId!);
  await expect
    .poll(() => captionTracksOf(player), { timeout: 20_000 })
    .toEqual([{ kind: 'captions', language: 'en', label: 'English', mode: 'showing', cues: cueTexts }]);
  // A recorded clip cannot be seeked (MediaRecorder writes no index): it plays to its end, where the second caption is on.
  await player.evaluate((element) => {
    const media = element as HTMLVideoElement;
    media.muted = true;
    return media.play();
  });
  await expect.poll(() => player.evaluate((element) => (element as HTMLVideoElement).ended), { timeout: 20_000 }).toBe(true);
  await expect
    .poll(() => player.evaluate((element) => Array.from((element as HTMLVideoElement).textTracks[0]?.activeCues ?? []).map((cue) => (cue as VTTCue).text)))
    .toEqual([cueTexts[1]]);
  await player.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screens/video-captions-showing.png' });

  // Another person on the same kiosk has their own choice: off.
  await signOut(page);
  await signIn(page, kiosk, ana);
  await inDisplayChoices(page, (dialog) => expect(dialog.getByTestId('captions-toggle')).toHaveAttribute('aria-pressed', 'false'));
  await page.getByTestId('sign-out').click();
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();

  // Marcus signs in again: still on, and the video shows its captions at once.
  await signIn(page, kiosk, marcus);
  await inDisplayChoices(page, async (dialog) => {
    await expect(dialog.getByTestId('captions-toggle')).toHaveAttribute('aria-pressed', 'true');
    await page.screenshot({ path: 'test-results/screens/video-captions-display-choice.png' });
  });
  player = await openVideoLetter(page, family.contact.display_name, letterId!);
  await expect.poll(async () => (await captionTracksOf(player))[0]?.mode, { timeout: 20_000 }).toBe('showing');
});

consoleTest('the mailroom reads a video’s caption words under it in the letter before deciding', async ({ page, consoleHub }) => {
  consoleTest.setTimeout(120_000);
  const [family] = consoleHub.hub.families;
  if (family === undefined) throw new Error('the demo has no families');
  // EBML's magic: what the hub's sniffing takes for a WebM video (the console shows the caption words, not the picture).
  const clip = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.from('a clip from the park')]);
  await sendFamilyMessage(consoleHub.hub.running.context, {
    contactId: family.contact.contact_id,
    body: 'A video from the park',
    attachments: [{ kind: 'video', bytes: clip, captions: [{ language: 'en', bytes: new TextEncoder().encode(captions) }] }],
  });

  await consoleHub.signInAs(page, 'mailroom');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Review' }).click();
  // Written after the demo's letters, so it is the last in the queue.
  await page.getByTestId('queue-row').last().click();
  await expect(page.getByTestId('letter-body')).toHaveText('A video from the park');
  const track = page.getByTestId('attachment-captions');
  await expect(track.locator('figcaption')).toHaveText('Captions in English');
  await expect(track.locator('.letter-body')).toHaveText(cueTexts.join('\n'));
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
  await track.scrollIntoViewIfNeeded();
  await screenshotAtDeskSizes(page, 'review-video-captions');
});
