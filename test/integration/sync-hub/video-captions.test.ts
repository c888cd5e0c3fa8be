// A family video's caption track end to end below the screen (docs/screens.md §17): staff take it with the video
// (`send-family-message --video … --captions …`), the hub refuses a bad file in words and keeps nothing of that
// message, review delivers the video and its captions reach a real device over loopback into its real SQLite store,
// where the runtime serves the track as text/vtt. A withheld video's captions stay at the hub.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../hub/commands/run';
import { LetterView } from '../../../hub/console/api/schemas/review';
import { reviewMessage } from '../../../hub/services/index';
import { letterForReview } from '../../../hub/services/review';
import { readAttachmentContent, readCaptionTrack } from '../../../main/mail/attachment-content';
import { storeQueriesOf } from '../../../main/store/store-queries';
import { openBlobStore } from '../../../main/sync/blobs';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import type { SyncedDevice } from '../../support/synced-device';
import { seedFacility, startTestHub, type TestHub } from '../hub/fixture';
import { enrollOn, expectConverged } from './harness';

useHubDatabases();

let testHub: TestHub | null = null;
let devices: SyncedDevice[] = [];
let files: string | null = null;
afterEach(async () => {
  for (const device of devices) await device.stop();
  await testHub?.close();
  if (files !== null) rmSync(files, { recursive: true, force: true });
  devices = [];
  testHub = null;
  files = null;
});

/** EBML's magic, then bytes that differ per clip: what the hub's sniffing takes for a WebM video. */
const webm = (tag: string) => Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.from(tag)]);
const spanish = 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHola, hijo.\n\n00:00:02.000 --> 00:00:04.000\nTe queremos.\n';

describe.each(hubBackends)('video captions, hub → device (%s)', (backend) => {
  it('refuses bad caption files in words, then delivers a good track with its video to the device', { timeout: 120_000 }, async () => {
    testHub = await startTestHub(backend);
    const hub = testHub;
    const f = await seedFacility(hub.hub);
    files = mkdtempSync(join(tmpdir(), 'dayroom-captions-'));
    const file = (name: string, content: string | Buffer) => {
      const path = join(files ?? '', name);
      writeFileSync(path, content);
      return path;
    };
    const cli = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(args, {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        env: {},
        database: hub.hub.database,
        now: hub.clock.now,
      });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const countMessages = async () => Number((await hub.hub.database.query<{ n: string }>('SELECT count(*) AS n FROM messages'))[0]?.n);
    const before = await countMessages();

    const clip = file('clip.webm', webm('first clip'));
    const refusals: [string[], RegExp][] = [
      [['--captions', file('alone.vtt', spanish)], /Captions were sent without a video/],
      [['--video', clip, '--captions', file('clip.srt', '1\n00:00:00,000 --> 00:00:02,000\nHola\n')], /not a WebVTT file/],
      [['--video', clip, '--captions', file('bad-time.vtt', 'WEBVTT\n\n00:00:0.000 --> 00:00:02.000\nHola\n')], /has a time that cannot be read/],
      [['--video', clip, '--captions', file('big.vtt', `WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n${'a'.repeat(70_000)}\n`)], /too big/],
      [
        ['--video', clip, '--captions', file('latin1.vtt', Buffer.from('WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nEspa\u00f1a\n', 'latin1'))],
        /not plain text in UTF-8/,
      ],
      [['--video', clip, '--captions', file('tags.vtt', 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<i>Hola</i>\n')], /formatting in it/],
      [['--video', clip, '--captions', file('ok.vtt', spanish), '--captions-language', 'Spanish'], /not a language code/],
    ];
    for (const [extra, words] of refusals) {
      const result = await cli('send-family-message', '--contact', f.anaMom, '--text', 'A video', ...extra);
      expect(result.code, extra.join(' ')).toBe(1);
      expect(result.err).toMatch(words);
    }
    // Refused whole: nothing of any of them was taken.
    expect(await countMessages()).toBe(before);

    const sent = await cli(
      'send-family-message',
      '--contact',
      f.anaMom,
      '--text',
      'Un video',
      '--video',
      clip,
      '--captions',
      file('hola.vtt', spanish),
      '--captions-language',
      'es',
    );
    expect(sent.err).toBe('');
    expect(sent.out).toMatch(/1 video with captions in es/);
    const messageId = /message id (\S+)\)/.exec(sent.out)?.[1] ?? '';
    // The reviewer reads the captions' words with the video, as the resident will.
    const queue = (await cli('review-queue')).out;
    expect(queue).toContain('    captions (es):\n    | Hola, hijo.\n    | Te queremos.');
    // And in the console's letter, parsed by the schema the console app reads it with.
    const letter = LetterView.parse(await letterForReview(hub.hub.database, messageId, hub.clock.now()));
    expect(letter.attachments).toMatchObject([{ kind: 'video', captions: [{ language: 'es', text: spanish }] }]);
    await reviewMessage(hub.hub, { decision: 'approve', messageId, reviewer: 'Officer Grant' });
    // A second video whose review withholds it: its captions never leave the hub.
    const withheldOut = await cli(
      'send-family-message',
      '--contact',
      f.anaMom,
      '--video',
      file('other.webm', webm('second clip')),
      '--captions',
      file('w.vtt', spanish),
    );
    const withheldId = /message id (\S+)\)/.exec(withheldOut.out)?.[1] ?? '';
    const [withheldAttachment] = await hub.hub.database.query<{ attachment_id: string }>('SELECT attachment_id FROM attachments WHERE message_id = $1', [
      withheldId,
    ]);
    await reviewMessage(hub.hub, {
      decision: 'approve',
      messageId: withheldId,
      reviewer: 'Officer Grant',
      rejectedAttachments: [{ attachmentId: withheldAttachment?.attachment_id ?? '', reason: 'Not allowed in this facility.' }],
    });

    const kiosk = await enrollOn(hub, { name: 'A-Pod kiosk', siteId: f.siteId, kind: 'kiosk', housingUnitId: f.unitA });
    devices.push(kiosk);
    await expectConverged(hub.hub, [kiosk]);

    const mail = storeQueriesOf(kiosk.db).mail;
    const [video] = mail.attachmentsOf(f.ana.resident_id, messageId);
    expect(video).toMatchObject({ kind: 'video', status: 'delivered', downloaded: true, captionLanguages: ['es'] });
    expect(mail.attachmentsOf(f.ana.resident_id, withheldId)).toMatchObject([{ status: 'rejected', captionLanguages: [] }]);

    const deps = { queries: mail, pathOf: openBlobStore(kiosk.dataDir).pathOf };
    const attachmentId = video?.attachmentId ?? '';
    expect(readAttachmentContent(deps, f.ana.resident_id, messageId, attachmentId)).toMatchObject({ ok: true, mimeType: 'video/webm' });
    const track = readCaptionTrack(deps, f.ana.resident_id, messageId, attachmentId, 'es');
    expect(track).toMatchObject({ ok: true, mimeType: 'text/vtt' });
    expect(track.ok ? track.bytes.toString('utf8') : '').toBe(spanish);
    // No track in a language it was not given in, and nothing of Ana's for another resident.
    expect(readCaptionTrack(deps, f.ana.resident_id, messageId, attachmentId, 'vi')).toMatchObject({ ok: false, refusal: 'notFound' });
    expect(readCaptionTrack(deps, f.ben.resident_id, messageId, attachmentId, 'es')).toMatchObject({ ok: false, refusal: 'notFound' });
  });
});
