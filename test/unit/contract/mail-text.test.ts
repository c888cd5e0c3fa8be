// The device's contract takes letters through the same text rule as the hub (rules/text.ts): what a device
// accepts, the hub can store; a letter the rule refuses is refused at the screen's door, in words.
import { describe, expect, it } from 'vitest';
import { ComposeInput, maxMessageCharacters, SaveDraftInput } from '../../../main/contract';
import { refusedTexts } from '../../support/hostile-text';

const compose = (body: string) => ComposeInput.safeParse({ contactId: 'c1', body, replyToMessageId: null });

describe('letters at the contract', () => {
  it.each(refusedTexts)('refuses %j in words', (body) => {
    const parsed = compose(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/The message contains (a control character|broken text)/);
    expect(SaveDraftInput.safeParse({ draftId: '0190a5f0-0000-7000-8000-000000000001', contactId: 'c1', replyToMessageId: null, body }).success).toBe(false);
  });

  it('takes 30,000 emoji (60,000 UTF-16 units), refuses one more, and stores text in NFC with \\n line endings', () => {
    expect(compose('😀'.repeat(maxMessageCharacters)).success).toBe(true);
    expect(compose('😀'.repeat(maxMessageCharacters + 1)).success).toBe(false);
    expect(compose('Jose\u0301\r\nhola').data?.body).toBe('José\nhola');
  });
});
