// Mail calls through the real runtime: only a signed-in resident, only their own mail, whatever id the screen sends.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallName, EventName, SessionView } from '../../../main/contract';
import { applyPull } from '../../../main/sync/apply-pull';
import { demoResidents } from '../../../scripts/demo-data';
import { simulateScan } from '../../../hardware/simulators/serial-scanner-simulator';
import { startDeviceFixture, type DeviceFixture } from '../../support/device-fixture';
import { contact, message, pullBatch, siteRules, balance, upsert } from '../../unit/sync/fixtures';

let fixture: DeviceFixture | null = null;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = null;
});

const [marcus, ana] = demoResidents as [(typeof demoResidents)[0], (typeof demoResidents)[0]];

async function call(name: CallName, input: unknown = {}) {
  if (!fixture) throw new Error('no fixture');
  return fixture.runtime.bridge.call(name, input);
}

async function signIn(resident: typeof marcus) {
  if (!fixture) throw new Error('no fixture');
  const pinScreen = new Promise<void>((resolve) => {
    const stop = fixture?.runtime.bridge.onEvent((name: EventName, payload) => {
      if (name === 'session.changed' && (payload as SessionView).phase === 'pinEntry') {
        stop?.();
        resolve();
      }
    });
  });
  await simulateScan(fixture.pty.hostPath, resident.badge, { symbology: 'code39' });
  await pinScreen;
  await expect(call('session.enterPin', { pin: resident.pin })).resolves.toMatchObject({ ok: true, value: { phase: 'signedIn' } });
}

describe('mail calls', () => {
  it('reach only the signed-in resident’s own mail', async () => {
    fixture = await startDeviceFixture();
    const applied = applyPull(
      fixture.runtime.database,
      pullBatch(
        [
          upsert('siteRules', siteRules(), 1),
          upsert('contact', contact('c-marcus', marcus.residentId, { displayName: 'Denise Lee' }), 1),
          upsert('contact', contact('c-ana', ana.residentId, { displayName: 'Rosa Díaz' }), 1),
          upsert('balance', balance(marcus.residentId, { stamps: 3 }), 1),
          upsert('message', message('m-marcus', marcus.residentId, { contactId: 'c-marcus', body: 'Hi Marcus' }), 1),
          upsert('message', message('m-ana', ana.residentId, { contactId: 'c-ana', body: 'Hola Ana' }), 1),
        ],
        'c1',
      ),
      { now: 1 },
    );
    expect(applied.ok).toBe(true);

    await expect(call('mail.conversations')).resolves.toMatchObject({ ok: false, error: { code: 'notSignedIn' } });
    await signIn(marcus);
    await expect(call('mail.conversations')).resolves.toMatchObject({ ok: true, value: [{ contact: { displayName: 'Denise Lee' }, unread: 1 }] });
    await expect(call('mail.conversation', { contactId: 'c-marcus', page: { kind: 'newest' } })).resolves.toMatchObject({
      ok: true,
      value: { total: 1, firstPosition: 0, newestMessageId: 'm-marcus', messages: [{ messageId: 'm-marcus', body: 'Hi Marcus' }] },
    });
    // Ana's message, contact and words are refused or invisible, the same as ids that do not exist.
    for (const messageId of ['m-ana', 'no-such-message']) {
      await expect(call('mail.markRead', { messageId })).resolves.toMatchObject({ ok: false, error: { code: 'notAuthorized' } });
    }
    await expect(call('mail.conversation', { contactId: 'c-ana', page: { kind: 'newest' } })).resolves.toMatchObject({
      ok: false,
      error: { code: 'notAuthorized' },
    });
    await expect(call('mail.send', { contactId: 'c-ana', body: 'hi', replyToMessageId: null, draftId: null })).resolves.toMatchObject({
      ok: false,
      error: { code: 'notAuthorized' },
    });
    // Another person's letter as the one answered is refused like a letter that is not here: nothing said of whose it is.
    await expect(call('mail.send', { contactId: 'c-marcus', body: 'hi', replyToMessageId: 'm-ana', draftId: null })).resolves.toEqual({
      ok: true,
      value: { ok: false, refusal: { reason: 'replyTargetGone' } },
    });
    await expect(call('mail.search', { query: 'Hola' })).resolves.toEqual({ ok: true, value: [] });
    // A resident id in the input is not part of the contract: it is refused, never used.
    await expect(call('mail.conversations', { residentId: ana.residentId })).resolves.toMatchObject({ ok: false, error: { code: 'invalidInput' } });

    await expect(call('mail.markRead', { messageId: 'm-marcus' })).resolves.toEqual({ ok: true, value: { done: true } });
    await expect(call('home.summary')).resolves.toMatchObject({ ok: true, value: { unreadMessages: 0, waitingOnThisDevice: 1 } });
    await expect(call('mail.send', { contactId: 'c-marcus', body: 'Thank you, Mom', replyToMessageId: 'm-marcus', draftId: null })).resolves.toMatchObject({
      ok: true,
      value: { ok: true, message: { body: 'Thank you, Mom', timeline: { state: 'waitingOnDevice' } } },
    });

    await call('session.signOut');
    await expect(call('mail.conversation', { contactId: 'c-marcus', page: { kind: 'newest' } })).resolves.toMatchObject({
      ok: false,
      error: { code: 'notSignedIn' },
    });
  });
});
