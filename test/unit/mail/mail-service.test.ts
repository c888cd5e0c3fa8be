// The mail service on a real SQLite file: conversations, reading, the cost before sending, the return stamp first,
// refusals in words, drafts that survive a reopen, each sent message's timeline, search, and one resident never
// reaching another's mail.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversationPageSize } from '../../../main/contract';
import { createMailService, MailAccessError, searchExpression, type MailService } from '../../../main/mail/mail-service';
import { outboxQueries } from '../../../main/store/outbox';
import { applyPull } from '../../../main/sync/apply-pull';
import { adoptDeviceIdentity } from '../../../main/sync/identity';
import { pendingMutations } from '../../../main/sync/outbox';
import { balance, contact, evict, message, pullBatch, remove, resident, siteRules, tempStore, upsert, type TempStore } from '../sync/fixtures';

let store: TempStore;
let clock: number;
let ids: number;
let mail: MailService;

const newService = () =>
  createMailService({ db: store.db, now: () => clock, newMessageId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}` });

let cursor = 0;
function apply(changes: ReturnType<typeof upsert>[]) {
  cursor += 1;
  const outcome = applyPull(store.db, pullBatch(changes, `c${cursor}`), { now: clock });
  expect(outcome.ok).toBe(true);
}

beforeEach(() => {
  store = tempStore();
  clock = 50_000;
  ids = 0;
  cursor = 0;
  mail = newService();
  apply([
    upsert('siteRules', siteRules('site-1', { charactersPerStamp: 100, refundStampsOnRejection: true }), 1),
    upsert('resident', resident('r1'), 1),
    upsert('resident', resident('r2'), 1),
    upsert('contact', contact('c-r1', 'r1', { displayName: 'Rosa Díaz' }), 1),
    upsert('contact', contact('c-r1-b', 'r1', { displayName: 'Ben', approved: false }), 1),
    upsert('contact', contact('c-r2', 'r2', { displayName: 'Other family' }), 1),
    upsert('balance', balance('r1', { stamps: 2 }), 1),
    upsert('message', message('m1', 'r1', { body: 'Tu hermana ya tuvo al bebé. Se llama Sofía.', receivedAt: 2_000 }), 1),
    upsert('message', message('m2', 'r1', { body: 'See you Sunday', receivedAt: 3_000, carriesReturnStamp: true }), 1),
    upsert('message', message('m-other', 'r2', { body: 'private letter for r2', receivedAt: 4_000 }), 1),
  ]);
});
afterEach(() => store.cleanup());

describe('conversations', () => {
  it('lists the resident’s own contacts, newest mail first, with unread counts and names', () => {
    const conversations = mail.conversations('r1');
    expect(conversations.map((conversation) => [conversation.contact.displayName, conversation.unread, conversation.lastMessageAt])).toEqual([
      ['Rosa Díaz', 2, 3_000],
      ['Ben', 0, null],
    ]);
    expect(conversations[0]?.preview).toBe('See you Sunday');
    expect(JSON.stringify(conversations)).not.toContain('Other family');
  });

  it('marks a message read through the outbox, once', () => {
    mail.markRead('r1', 'm1');
    mail.markRead('r1', 'm1');
    expect(mail.conversations('r1')[0]?.unread).toBe(1);
    const pending = pendingMutations(store.db, 10);
    expect(pending.ok && pending.mutations.map((mutation) => [mutation.name, mutation.args])).toEqual([
      ['markRead', { residentId: 'r1', messageId: 'm1', readAt: 50_000 }],
    ]);
    // Still read after the hub applied it and before its copy arrives.
    outboxQueries(store.db).settle(1, { status: 'applied' }, 51_000);
    expect(mail.conversation('r1', 'c-r1').messages.find((m) => m.messageId === 'm1')?.read).toBe(true);
  });
});

describe('a conversation in pages', () => {
  // 60 letters with Rosa after m1 and m2 (2,000 and 3,000), one a minute, and one reply of the person's own not back yet.
  beforeEach(() => {
    apply(
      Array.from({ length: 60 }, (_, n) =>
        upsert('message', message(`p${String(n).padStart(2, '0')}`, 'r1', { body: `letter ${n}`, receivedAt: 10_000 + n * 60_000 }), 1),
      ),
    );
    clock = 10_000 + 61 * 60_000;
    expect(mail.send('r1', { contactId: 'c-r1', body: 'my reply', replyToMessageId: null, draftId: null }).ok).toBe(true);
  });
  const idsOf = (page: ReturnType<MailService['conversation']>) => page.messages.map((entry) => entry.messageId);

  it('opens on the newest page, oldest first, and says how many letters there are and where the page sits', () => {
    const page = mail.conversation('r1', 'c-r1');
    expect(page.total).toBe(63);
    expect(page.messages).toHaveLength(conversationPageSize);
    expect(page.firstPosition).toBe(63 - conversationPageSize);
    expect(page.messages.at(-1)?.body).toBe('my reply');
    expect(page.newestMessageId).toBe(page.messages.at(-1)?.messageId);
    expect(idsOf(page).at(-2)).toBe('p59');
  });

  it('pages from a position, and every letter comes once across the pages, in order', () => {
    const seen: string[] = [];
    for (let position = 0; position < 63; position += conversationPageSize) {
      const page = mail.conversation('r1', 'c-r1', { kind: 'from', position });
      expect(page.firstPosition).toBe(Math.min(position, 63 - conversationPageSize));
      for (const [index, id] of idsOf(page).entries()) if (page.firstPosition + index >= seen.length) seen.push(id);
    }
    expect(seen).toEqual(['m1', 'm2', ...Array.from({ length: 60 }, (_, n) => `p${String(n).padStart(2, '0')}`), seen.at(-1)]);
    expect(new Set(seen).size).toBe(63);
    // A position past the end is the newest page, never an empty one.
    expect(mail.conversation('r1', 'c-r1', { kind: 'from', position: 5_000 }).messages).toHaveLength(conversationPageSize);
  });

  it('opens around a letter a search found, with a few before it; an id not in the conversation opens at the newest', () => {
    const page = mail.conversation('r1', 'c-r1', { kind: 'around', messageId: 'p10' });
    const at = idsOf(page).indexOf('p10');
    expect(at).toBeGreaterThan(0);
    expect(page.firstPosition + at).toBe(12);
    expect(mail.conversation('r1', 'c-r1', { kind: 'around', messageId: 'm-other' }).firstPosition).toBe(63 - conversationPageSize);
  });
});

describe('attachments', () => {
  it('come with their letter: ready once downloaded, arriving until then, withheld with the reviewer’s reason; in the hub’s order', () => {
    const attachment = (attachmentId: string, sha: string, status: 'delivered' | 'rejected', rejectionReason: string | null = null) => ({
      attachmentId,
      kind: 'photo' as const,
      sha256: sha.repeat(64),
      byteSize: 1_000,
      mimeType: 'image/jpeg' as const,
      status,
      rejectionReason,
    });
    apply([
      upsert(
        'message',
        message('m3', 'r1', {
          body: 'Photos from the party',
          receivedAt: 5_000,
          attachments: [attachment('p2', 'b', 'delivered'), attachment('p1', 'a', 'rejected', 'Shows another resident'), attachment('p3', 'c', 'delivered')],
        }),
        1,
      ),
    ]);
    store.db.prepare("UPDATE message_attachments SET downloaded = 1 WHERE attachment_id = 'p3'").run();
    const letter = mail.conversation('r1', 'c-r1').messages.find((entry) => entry.messageId === 'm3');
    expect(letter?.attachments).toEqual([
      { attachmentId: 'p2', kind: 'photo', mimeType: 'image/jpeg', state: 'downloading', withheldReason: null },
      { attachmentId: 'p1', kind: 'photo', mimeType: 'image/jpeg', state: 'withheld', withheldReason: 'Shows another resident' },
      { attachmentId: 'p3', kind: 'photo', mimeType: 'image/jpeg', state: 'ready', withheldReason: null },
    ]);
    expect(mail.conversation('r1', 'c-r1').messages.find((entry) => entry.messageId === 'm1')?.attachments).toEqual([]);
  });
});

describe('authorization', () => {
  it('refuses another resident’s message, contact and draft ids, as if they did not exist', () => {
    expect(() => mail.markRead('r1', 'm-other')).toThrow(MailAccessError);
    expect(() => mail.markRead('r1', 'no-such-message')).toThrow(MailAccessError);
    expect(() => mail.conversation('r1', 'c-r2')).toThrow(MailAccessError);
    // Another person's letter as the one being answered: refused as one that is not here, saying nothing of whose it is.
    expect(mail.cost('r1', { contactId: 'c-r1', body: 'hi', replyToMessageId: 'm-other' })).toEqual({ ok: false, refusal: { reason: 'replyTargetGone' } });
    expect(mail.send('r1', { contactId: 'c-r1', body: 'hi', replyToMessageId: 'm-other', draftId: null })).toEqual({
      ok: false,
      refusal: { reason: 'replyTargetGone' },
    });
    expect(() => mail.send('r1', { contactId: 'c-r2', body: 'hi', replyToMessageId: null, draftId: null })).toThrow(MailAccessError);
    const draftId = '11111111-1111-4111-8111-111111111111';
    mail.saveDraft('r2', { draftId, contactId: 'c-r2', replyToMessageId: null, body: 'theirs' });
    expect(() => mail.saveDraft('r1', { draftId, contactId: 'c-r1', replyToMessageId: null, body: 'mine now' })).toThrow(MailAccessError);
    mail.deleteDraft('r1', draftId);
    expect(mail.drafts('r2').map((draft) => draft.body)).toEqual(['theirs']);
    expect(mail.search('r1', 'private')).toEqual([]);
    expect(pendingMutations(store.db, 10)).toEqual({ ok: true, mutations: [] });
  });
});

describe('cost and sending', () => {
  it('a reply to a letter that has gone from the device is refused in words, and its draft stays', () => {
    const draftId = '22222222-2222-4222-8222-222222222222';
    mail.saveDraft('r1', { draftId, contactId: 'c-r1', replyToMessageId: 'm2', body: 'Yes, Sunday works' });
    apply([remove('message', 'm2', 5)]);
    expect(mail.send('r1', { contactId: 'c-r1', body: 'Yes, Sunday works', replyToMessageId: 'm2', draftId })).toEqual({
      ok: false,
      refusal: { reason: 'replyTargetGone' },
    });
    expect(mail.drafts('r1').map((draft) => draft.body)).toEqual(['Yes, Sunday works']);
    expect(pendingMutations(store.db, 10)).toEqual({ ok: true, mutations: [] });
  });

  it('shows the cost before sending, with the next stamp’s start and the refund rule', () => {
    const result = mail.cost('r1', { contactId: 'c-r1', body: 'x'.repeat(150), replyToMessageId: null });
    expect(result).toEqual({
      ok: true,
      cost: {
        characters: 150,
        charactersPerStamp: 100,
        charactersUntilNextStamp: 50,
        totalStamps: 2,
        coveredByReturnStamp: 0,
        fromOwnStamps: 2,
        stampsAvailable: 2,
        enoughStamps: true,
        refundOnRejection: true,
        maxCharacters: 30_000,
      },
    });
    // Emoji count once, as people count them.
    expect(mail.cost('r1', { contactId: 'c-r1', body: '👋🏽'.repeat(10), replyToMessageId: null })).toMatchObject({ cost: { characters: 20 } });
  });

  it('a reply to a letter with an unused return stamp spends it first, and only once', () => {
    const reply = mail.send('r1', { contactId: 'c-r1', body: 'Thank you', replyToMessageId: 'm2', draftId: null });
    expect(reply).toMatchObject({ ok: true, message: { direction: 'outbound', body: 'Thank you', timeline: { state: 'waitingOnDevice' } } });
    const pending = pendingMutations(store.db, 10);
    expect(pending.ok && pending.mutations[0]?.args).toMatchObject({ replyToMessageId: 'm2', useReturnStamp: true, contactId: 'c-r1' });
    // The stamp is held by the waiting reply: a second reply pays with the person's own stamps.
    expect(mail.conversation('r1', 'c-r1').messages.find((m) => m.messageId === 'm2')?.returnStampAvailable).toBe(false);
    expect(mail.cost('r1', { contactId: 'c-r1', body: 'Again', replyToMessageId: 'm2' })).toMatchObject({
      cost: { coveredByReturnStamp: 0, fromOwnStamps: 1, stampsAvailable: 2 },
    });
  });

  it('holds the stamps of waiting replies and refuses, in words, when there are not enough', () => {
    expect(mail.send('r1', { contactId: 'c-r1', body: 'one stamp', replyToMessageId: null, draftId: null }).ok).toBe(true);
    expect(mail.cost('r1', { contactId: 'c-r1', body: 'x', replyToMessageId: null })).toMatchObject({ cost: { stampsAvailable: 1, enoughStamps: true } });
    expect(mail.send('r1', { contactId: 'c-r1', body: 'x'.repeat(101), replyToMessageId: null, draftId: null })).toEqual({
      ok: false,
      refusal: { reason: 'notEnoughStamps', needed: 2, available: 1 },
    });
    expect(outboxQueries(store.db).pendingCount()).toBe(1);
  });

  it('refuses an unapproved contact, an empty message, and a device without the site’s rules', () => {
    expect(mail.send('r1', { contactId: 'c-r1-b', body: 'hi', replyToMessageId: null, draftId: null })).toEqual({
      ok: false,
      refusal: { reason: 'contactNotApproved' },
    });
    expect(mail.send('r1', { contactId: 'c-r1', body: '   ', replyToMessageId: null, draftId: null })).toEqual({
      ok: false,
      refusal: { reason: 'emptyMessage' },
    });
    store.db.prepare('DELETE FROM site_rules').run();
    expect(mail.cost('r1', { contactId: 'c-r1', body: 'hi', replyToMessageId: null })).toEqual({ ok: false, refusal: { reason: 'rulesNotSynced' } });
    expect(outboxQueries(store.db).pendingCount()).toBe(0);
  });
});

describe('drafts', () => {
  it('are saved as the person types, survive closing the store, and go when the message is sent', () => {
    const draftId = '22222222-2222-4222-8222-222222222222';
    mail.saveDraft('r1', { draftId, contactId: 'c-r1', replyToMessageId: 'm2', body: 'Dear' });
    clock += 1_000;
    mail.saveDraft('r1', { draftId, contactId: 'c-r1', replyToMessageId: 'm2', body: 'Dear Rosa,' });
    store.reopen();
    mail = newService();
    expect(mail.drafts('r1')).toEqual([
      { draftId, contactId: 'c-r1', contactName: 'Rosa Díaz', replyToMessageId: 'm2', body: 'Dear Rosa,', updatedAt: 51_000 },
    ]);
    expect(mail.drafts('r2')).toEqual([]);
    expect(mail.send('r1', { contactId: 'c-r1', body: 'Dear Rosa,', replyToMessageId: 'm2', draftId }).ok).toBe(true);
    expect(mail.drafts('r1')).toEqual([]);
  });
});

describe('the timeline of a sent message', () => {
  const send = () => {
    const sent = mail.send('r1', { contactId: 'c-r1', body: 'Hello from B unit', replyToMessageId: 'm2', draftId: null });
    if (!sent.ok) throw new Error('not sent');
    return sent.message.messageId;
  };
  const timelineOf = (messageId: string) => mail.conversation('r1', 'c-r1').messages.find((m) => m.messageId === messageId)?.timeline;
  const hubCopy = (messageId: string, version: number, overrides: Parameters<typeof message>[2]) =>
    upsert(
      'message',
      message(messageId, 'r1', {
        direction: 'outbound',
        body: 'Hello from B unit',
        writtenAt: 50_000,
        receivedAt: 60_000,
        replyToMessageId: 'm2',
        status: 'inReview',
        statusChangedAt: 60_000,
        stampsCharged: 0,
        ...overrides,
      }),
      version,
    );

  it('goes written → waiting → received → in review → delivered → read', () => {
    const id = send();
    expect(timelineOf(id)).toMatchObject({ state: 'waitingOnDevice', reason: null });
    expect(
      timelineOf(id)
        ?.steps.filter((step) => step.done)
        .map((step) => step.step),
    ).toEqual(['written', 'waitingOnDevice']);
    outboxQueries(store.db).settle(1, { status: 'applied' }, 55_000);
    expect(timelineOf(id)).toMatchObject({ state: 'inReview' });
    apply([hubCopy(id, 1, {})]);
    expect(timelineOf(id)?.steps.find((step) => step.step === 'receivedByFacility')).toEqual({ step: 'receivedByFacility', done: true, at: 60_000 });
    apply([hubCopy(id, 2, { status: 'delivered', statusChangedAt: 70_000 })]);
    expect(timelineOf(id)).toMatchObject({ state: 'delivered' });
    apply([hubCopy(id, 3, { status: 'read', statusChangedAt: 80_000, readAt: 80_000 })]);
    expect(timelineOf(id)?.state).toBe('read');
    expect(timelineOf(id)?.steps.every((step) => step.done)).toBe(true);
    // Shown once, not twice, although the device and the hub each have a copy.
    expect(mail.conversation('r1', 'c-r1').messages.filter((m) => m.messageId === id)).toHaveLength(1);
  });

  it('shows the reviewer’s reason when rejected, and the hub’s when not accepted', () => {
    const rejected = send();
    outboxQueries(store.db).settle(1, { status: 'applied' }, 55_000);
    apply([hubCopy(rejected, 1, { status: 'rejected', rejectionReason: 'Mentions another resident', stampsReturned: 1, statusChangedAt: 65_000 })]);
    expect(timelineOf(rejected)).toMatchObject({ state: 'rejected', reason: 'Mentions another resident', stampsReturned: 1, endedAt: 65_000 });
    // It ends at the rejection: no "delivered — not yet" after a letter that will never be delivered.
    expect(timelineOf(rejected)?.steps.map((step) => step.step)).toEqual(['written', 'waitingOnDevice', 'receivedByFacility', 'inReview']);
    expect(timelineOf(rejected)?.steps.every((step) => step.done)).toBe(true);

    const refused = mail.send('r1', { contactId: 'c-r1', body: 'second', replyToMessageId: null, draftId: null });
    if (!refused.ok) throw new Error('not sent');
    outboxQueries(store.db).settle(
      2,
      {
        status: 'refused',
        code: 'notEnoughStamps',
        reason: 'This message needs 1 stamp and you have 0 stamps.',
        figures: { neededStamps: 1, availableStamps: 0 },
      },
      56_000,
    );
    // The screen words the refusal from its code and figures; the hub's English sentence does not cross the contract.
    expect(timelineOf(refused.message.messageId)).toMatchObject({
      state: 'notAccepted',
      reason: null,
      refusal: { code: 'notEnoughStamps', neededStamps: 1, availableStamps: 0 },
      endedAt: 56_000,
    });
    expect(timelineOf(refused.message.messageId)?.steps.some((step) => !step.done)).toBe(false);
  });
});

describe('when the device or the person changes', () => {
  it('a new device identity renumbers the outbox and the timeline still finds its row', () => {
    adoptDeviceIdentity(store.db, { deviceId: 'dev-old', hubUrl: 'https://hub.example/' });
    mail.markRead('r1', 'm1');
    outboxQueries(store.db).settle(1, { status: 'applied' }, 51_000);
    const sent = mail.send('r1', { contactId: 'c-r1', body: 'still waiting', replyToMessageId: null, draftId: null });
    if (!sent.ok) throw new Error('not sent');
    expect(adoptDeviceIdentity(store.db, { deviceId: 'dev-new', hubUrl: 'https://hub.example/' })).toBe('replaced');
    const pending = pendingMutations(store.db, 10);
    expect(pending.ok && pending.mutations.map((mutation) => [mutation.id, mutation.name])).toEqual([[1, 'sendMessage']]);
    // The replica is gone until the next pull, but the reply sent here is still shown, waiting.
    apply([upsert('resident', resident('r1'), 1), upsert('contact', contact('c-r1', 'r1'), 1)]);
    const reply = mail.conversation('r1', 'c-r1').messages.find((m) => m.messageId === sent.message.messageId);
    expect(reply?.timeline?.state).toBe('waitingOnDevice');
  });

  it('an evicted person’s drafts and answered replies leave the device; replies still waiting stay to be pushed', () => {
    mail.saveDraft('r1', { draftId: '33333333-3333-4333-8333-333333333333', contactId: 'c-r1', replyToMessageId: null, body: 'unfinished' });
    mail.send('r1', { contactId: 'c-r1', body: 'answered', replyToMessageId: null, draftId: null });
    mail.send('r1', { contactId: 'c-r1', body: 'waiting', replyToMessageId: null, draftId: null });
    outboxQueries(store.db).settle(1, { status: 'applied' }, 51_000);
    mail.saveDraft('r2', { draftId: '44444444-4444-4444-8444-444444444444', contactId: 'c-r2', replyToMessageId: null, body: 'theirs' });
    apply([evict('r1')]);
    expect(store.db.prepare('SELECT resident_id, body FROM mail_drafts').all()).toEqual([{ resident_id: 'r2', body: 'theirs' }]);
    expect(store.db.prepare('SELECT body FROM mail_outgoing').all()).toEqual([{ body: 'waiting' }]);
    expect(mail.search('r1', 'answered')).toEqual([]);
  });
});

describe('search', () => {
  it('finds words in the person’s own mail, accents or not, including replies sent here', () => {
    expect(mail.search('r1', 'sofia').map((hit) => [hit.messageId, hit.contactName])).toEqual([['m1', 'Rosa Díaz']]);
    expect(mail.search('r1', 'BEB')[0]?.snippet).toContain('bebé');
    mail.send('r1', { contactId: 'c-r1', body: 'Congratulations on the baby', replyToMessageId: null, draftId: null });
    expect(mail.search('r1', 'congrat').map((hit) => hit.direction)).toEqual(['outbound']);
    expect(mail.search('r2', 'sofia')).toEqual([]);
  });

  it('treats FTS5 syntax in the query as plain words', () => {
    for (const hostile of ['"', 'NEAR(a b)', 'body:x', '*', 'a OR', ')(', '^', '-x', "'; DROP TABLE messages; --"]) {
      expect(() => mail.search('r1', hostile)).not.toThrow();
    }
    expect(searchExpression('  ')).toBeNull();
    expect(searchExpression('a "b')).toBe('"a"* "b"*');
  });
});
