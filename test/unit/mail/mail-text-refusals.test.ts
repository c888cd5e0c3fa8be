// Every refusal code the hub can answer for a letter is told to the person by a reason the screens word
// (renderer/locales), never by the hub's English sentence; codes the device does not know fall back to "other".
import { describe, expect, it } from 'vitest';
import { RefusalCode } from '../../../hub/protocol';
import { NotAcceptedReason } from '../../../main/contract';
import { notAcceptedReasonOf } from '../../../main/mail/mail-service';

describe('why a letter was not accepted', () => {
  it('maps every refusal code to a reason the screens word', () => {
    for (const code of RefusalCode.options) expect(NotAcceptedReason.options).toContain(notAcceptedReasonOf(code));
  });

  it('tells text the rule refuses, letters the device could not send and writes the hub could not store apart', () => {
    expect(notAcceptedReasonOf('textControlCharacter')).toBe('textNotAllowed');
    expect(notAcceptedReasonOf('textInvalidUnicode')).toBe('textNotAllowed');
    expect(notAcceptedReasonOf('tooLargeToSend')).toBe('tooLong');
    expect(notAcceptedReasonOf('unreadableOnDevice')).toBe('unreadable');
    expect(notAcceptedReasonOf('hubCouldNotStore')).toBe('facilityCouldNotStore');
    expect(notAcceptedReasonOf('a code from a newer hub')).toBe('other');
    expect(notAcceptedReasonOf(null)).toBe('other');
  });
});
