// The one place a refusal the hub recorded for a mutation (code + figures, hub/protocol/mutations.ts) becomes the
// contract's HubRefusal that screens word in the person's language. The hub's English `reason` stays on the device for
// logs and support; it never crosses to a screen.
import { RefusalCode, RefusalFigures } from '../../hub/protocol';
import type { HubRefusal } from '../contract';

function parsedFigures(figuresJson: string | null): RefusalFigures {
  if (figuresJson === null) return {};
  try {
    const parsed = RefusalFigures.safeParse(JSON.parse(figuresJson));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** What the screen says for a refused mutation, from the code and figures the outbox kept. */
export function hubRefusalOf(code: string | null, figuresJson: string | null): HubRefusal {
  const known = RefusalCode.safeParse(code);
  if (!known.success) return { code: 'other' };
  const figures = parsedFigures(figuresJson);
  const refusalCode = known.data;
  switch (refusalCode) {
    case 'notEnoughMoney':
      return figures.neededCents === undefined || figures.availableCents === undefined
        ? { code: 'other' }
        : { code: 'notEnoughMoney', neededCents: figures.neededCents, availableCents: figures.availableCents };
    case 'notEnoughStamps':
      return figures.neededStamps === undefined || figures.availableStamps === undefined
        ? { code: 'other' }
        : { code: 'notEnoughStamps', neededStamps: figures.neededStamps, availableStamps: figures.availableStamps };
    case 'messageTooLong':
      return figures.maxCharacters === undefined || figures.characters === undefined
        ? { code: 'other' }
        : { code: 'messageTooLong', maxCharacters: figures.maxCharacters, characters: figures.characters };
    case 'unknownBookSize':
      return figures.bookSize === undefined ? { code: 'other' } : { code: 'unknownBookSize', bookSize: figures.bookSize };
    case 'textControlCharacter':
    case 'textInvalidUnicode':
    case 'textInvisibleCharacter':
      return { code: 'textNotAllowed' };
    case 'tooLargeToSend':
    case 'unreadableOnDevice':
    case 'malformedMutation':
      return { code: 'unreadable' };
    case 'hubCouldNotStore':
      return { code: 'facilityCouldNotStore' };
    case 'messagingSuspended':
      return figures.pausedUntil === undefined ? { code: 'other' } : { code: 'messagingPaused', pausedUntil: figures.pausedUntil };
    case 'contactNotApproved':
    case 'contactNotFound':
    case 'replyTargetNotFound':
    case 'returnStampUnavailable':
    case 'outOfScope':
    case 'residentNotFound':
    case 'duplicateMessageId':
    case 'requestIdReused':
      return { code: refusalCode };
    // A markRead of a letter that is gone, a language choice from a kiosk the person had left, or the device's own audit
    // entries: no person's screen shows these.
    case 'messageNotFound':
    case 'notSignedInOnDevice':
    case 'auditSeqNotNext':
    case 'auditPrevHashMismatch':
    case 'auditHashMismatch':
    case 'auditSeqTaken':
    case 'auditOtherDevice':
      return { code: 'other' };
    default: {
      const unknownCode: never = refusalCode;
      return unknownCode;
    }
  }
}
