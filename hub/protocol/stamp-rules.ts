// What a message costs in stamps: one definition, used by the device to show the cost before sending and by the
// hub to charge it.
import type { SiteRulesRecord } from './records';
import { characterCount } from './text';

export type StampRules = Pick<SiteRulesRecord, 'charactersPerStamp' | 'stampsPerAttachment'>;

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
