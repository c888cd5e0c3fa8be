// What a message costs and when a reply may spend a return stamp (rules/stamps.ts): the device shows and offers by
// these, the hub charges by them.
import { describe, expect, it } from 'vitest';
import { isAnswerable, messageCost, returnStampStanding, type AnsweredLetter } from '../../../rules/stamps';

const rules = { charactersPerStamp: 100, stampsPerAttachment: 2 };

describe('messageCost', () => {
  it('charges one stamp per started block of characters, at least one', () => {
    expect(messageCost('', 0, false, rules)).toMatchObject({ textStamps: 1, fromOwnStamps: 1, charactersUntilNextStamp: 100 });
    expect(messageCost('x'.repeat(100), 0, false, rules)).toMatchObject({ textStamps: 1, charactersUntilNextStamp: 0 });
    expect(messageCost('x'.repeat(101), 0, false, rules)).toMatchObject({ textStamps: 2, charactersUntilNextStamp: 99 });
  });

  it('counts characters as people do: an emoji is one', () => {
    expect(messageCost('😀'.repeat(100), 0, false, rules).textStamps).toBe(1);
  });

  it('adds attachments, and a return stamp pays one stamp of the total', () => {
    expect(messageCost('hi', 2, false, rules)).toMatchObject({ attachmentStamps: 4, coveredByReturnStamp: 0, fromOwnStamps: 5 });
    expect(messageCost('hi', 2, true, rules)).toMatchObject({ coveredByReturnStamp: 1, fromOwnStamps: 4 });
    expect(messageCost('hi', 0, true, rules)).toMatchObject({ coveredByReturnStamp: 1, fromOwnStamps: 0 });
  });
});

describe('the return-stamp rule', () => {
  const letter: AnsweredLetter = { direction: 'inbound', status: 'delivered', carriesReturnStamp: true, returnStampUsed: false };

  it('a delivered family letter, read or not, can be answered; nothing else can', () => {
    expect(isAnswerable(letter)).toBe(true);
    expect(isAnswerable({ ...letter, status: 'read' })).toBe(true);
    for (const status of ['inReview', 'rejected', null]) expect(isAnswerable({ ...letter, status }), String(status)).toBe(false);
    expect(isAnswerable({ ...letter, direction: 'outbound' })).toBe(false);
  });

  it("a reply may spend the answered letter's unspent return stamp, and says why not otherwise", () => {
    expect(returnStampStanding(letter)).toBe('available');
    expect(returnStampStanding({ ...letter, status: 'read' })).toBe('available');
    expect(returnStampStanding(null)).toBe('notAReply');
    expect(returnStampStanding({ ...letter, status: 'inReview' })).toBe('notAReply');
    expect(returnStampStanding({ ...letter, direction: 'outbound' })).toBe('notAReply');
    expect(returnStampStanding({ ...letter, carriesReturnStamp: false })).toBe('noReturnStamp');
    expect(returnStampStanding({ ...letter, returnStampUsed: true })).toBe('alreadyUsed');
  });
});
