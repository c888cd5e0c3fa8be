// The words for why the last session ended or a card was refused, shared by the kiosk's attract screen and a tablet's
// lock screen.
import type { TFunction } from 'i18next';
import type { AttractNotice } from '../../../main/contract';

export function attractNoticeText(t: TFunction, notice: AttractNotice): string {
  switch (notice) {
    case 'cardNotRecognized':
      return t('attract.notice.cardNotRecognized');
    case 'staffCardNotAccepted':
      return t('attract.notice.staffCardNotAccepted');
    case 'signedOut':
      return t('attract.notice.signedOut');
    case 'signedOutIdle':
      return t('attract.notice.signedOutIdle');
    case 'sessionTimeLimit':
      return t('attract.notice.sessionTimeLimit');
    case 'pinEntryTimedOut':
      return t('attract.notice.pinEntryTimedOut');
    case 'tabletNotAssigned':
      return t('attract.notice.tabletNotAssigned');
    default: {
      const unreachable: never = notice;
      return unreachable;
    }
  }
}
