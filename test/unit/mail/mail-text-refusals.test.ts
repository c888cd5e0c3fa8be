// Every refusal code the hub can answer for a letter is told to the person from a code the screens word
// (renderer/locales, hubRefusal.*), never by the hub's English sentence; codes the device does not know fall back to
// "other".
import { describe, expect, it } from 'vitest';
import { RefusalCode } from '../../../hub/protocol';
import { HubRefusal } from '../../../main/contract';
import { hubRefusalOf } from '../../../main/sync/hub-refusal';

describe('why a letter was not accepted', () => {
  it('maps every refusal code to a refusal the contract carries', () => {
    for (const code of RefusalCode.options) expect(HubRefusal.safeParse(hubRefusalOf(code, null)).success, code).toBe(true);
  });

  it('tells text the rule refuses, letters the device could not send and writes the hub could not store apart', () => {
    expect(hubRefusalOf('textControlCharacter', null)).toEqual({ code: 'textNotAllowed' });
    expect(hubRefusalOf('textInvalidUnicode', null)).toEqual({ code: 'textNotAllowed' });
    expect(hubRefusalOf('tooLargeToSend', null)).toEqual({ code: 'unreadable' });
    expect(hubRefusalOf('unreadableOnDevice', null)).toEqual({ code: 'unreadable' });
    expect(hubRefusalOf('hubCouldNotStore', null)).toEqual({ code: 'facilityCouldNotStore' });
    expect(hubRefusalOf('a code from a newer hub', null)).toEqual({ code: 'other' });
    expect(hubRefusalOf(null, null)).toEqual({ code: 'other' });
  });
});
