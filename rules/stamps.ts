// What a message costs in stamps, and when a reply may spend the return stamp of the letter it answers: one definition
// of each, used by the device to show the cost and offer the stamp before sending, and by the hub to charge it.
import { characterCount } from './text';

/** The site's stamp prices (the hub's site rules record carries them). */
export interface StampRules {
  readonly charactersPerStamp: number;
  readonly stampsPerAttachment: number;
}

export interface MessageCost {
  /** Stamps for the text: one per started block of `charactersPerStamp` characters, at least one. */
  readonly textStamps: number;
  readonly attachmentStamps: number;
  /** Paid by the sender's return stamp (at most one stamp's worth). */
  readonly coveredByReturnStamp: number;
  /** What comes out of the resident's own stamps. */
  readonly fromOwnStamps: number;
  /** Characters left before the next stamp starts. */
  readonly charactersUntilNextStamp: number;
}

export function messageCost(body: string, attachmentCount: number, useReturnStamp: boolean, rules: StampRules): MessageCost {
  const characters = characterCount(body);
  const textStamps = Math.max(1, Math.ceil(characters / rules.charactersPerStamp));
  const attachmentStamps = attachmentCount * rules.stampsPerAttachment;
  const total = textStamps + attachmentStamps;
  const coveredByReturnStamp = useReturnStamp ? Math.min(1, total) : 0;
  return {
    textStamps,
    attachmentStamps,
    coveredByReturnStamp,
    fromOwnStamps: total - coveredByReturnStamp,
    charactersUntilNextStamp: textStamps * rules.charactersPerStamp - characters,
  };
}

/** What both sides know of the letter a reply answers. */
export interface AnsweredLetter {
  readonly direction: 'inbound' | 'outbound';
  /** The hub's review status ('inReview', 'delivered', 'read', 'rejected'); null while only a device knows the letter. */
  readonly status: string | null;
  readonly carriesReturnStamp: boolean;
  readonly returnStampUsed: boolean;
}

/** A letter a person may answer: one a family member wrote that has been delivered to them (read or not). */
export function isAnswerable(letter: Pick<AnsweredLetter, 'direction' | 'status'>): boolean {
  return letter.direction === 'inbound' && (letter.status === 'delivered' || letter.status === 'read');
}

/** Whether a reply may spend the answered letter's return stamp, or why not. */
export type ReturnStampStanding = 'available' | 'notAReply' | 'noReturnStamp' | 'alreadyUsed';

/**
 * A reply may use a return stamp when it answers a delivered family letter that came with one not yet spent. `null`
 * is no letter to answer (not a reply, or the letter is gone or was never answerable). The device also counts a stamp
 * it has spent but not yet told the hub about as used; the hub's word is final.
 */
export function returnStampStanding(answered: AnsweredLetter | null): ReturnStampStanding {
  if (answered === null || !isAnswerable(answered)) return 'notAReply';
  if (!answered.carriesReturnStamp) return 'noReturnStamp';
  if (answered.returnStampUsed) return 'alreadyUsed';
  return 'available';
}
