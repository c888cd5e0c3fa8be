// The words for a refusal that came back from the facility's hub, from its code and figures (contract HubRefusal), in
// the screen's language. One place, so a refused purchase and a letter not accepted say the same thing the same way.
import type { TFunction } from 'i18next';
import type { HubRefusal, LanguageCode } from '../../../main/contract';
import { formatDate, formatMoney } from './format';

export function hubRefusalText(refusal: HubRefusal, language: LanguageCode, t: TFunction): string {
  switch (refusal.code) {
    case 'notEnoughMoney':
      return t('hubRefusal.notEnoughMoney', { needed: formatMoney(refusal.neededCents, language), available: formatMoney(refusal.availableCents, language) });
    case 'notEnoughStamps':
      return t('hubRefusal.notEnoughStamps', { count: refusal.neededStamps, available: refusal.availableStamps });
    case 'messageTooLong':
      return t('hubRefusal.messageTooLong', { max: refusal.maxCharacters.toLocaleString(language), characters: refusal.characters.toLocaleString(language) });
    case 'unknownBookSize':
      return t('hubRefusal.unknownBookSize', { count: refusal.bookSize });
    case 'messagingPaused':
      return t('hubRefusal.messagingPaused', { date: formatDate(refusal.pausedUntil, language) });
    case 'contactNotApproved':
    case 'contactNotFound':
    case 'replyTargetNotFound':
    case 'returnStampUnavailable':
    case 'outOfScope':
    case 'residentNotFound':
    case 'duplicateMessageId':
    case 'requestIdReused':
    case 'textNotAllowed':
    case 'unreadable':
    case 'facilityCouldNotStore':
    case 'other':
      return t(`hubRefusal.${refusal.code}`);
    default: {
      const unknownRefusal: never = refusal;
      return unknownRefusal;
    }
  }
}
