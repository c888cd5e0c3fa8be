// Every way an enrollment can fail, in words staff can act on. One switch over the contract's list, so a new code
// cannot reach the screen without its sentence (the build fails first).
import type { TFunction } from 'i18next';
import type { EnrollmentErrorCode } from '../../../../main/contract';

export function enrollmentErrorText(t: TFunction, code: EnrollmentErrorCode): string {
  switch (code) {
    case 'badHubUrl':
      return t('enrollment.error.badHubUrl');
    case 'badCode':
      return t('enrollment.error.badCode');
    case 'codeExpired':
      return t('enrollment.error.codeExpired');
    case 'codeUsed':
      return t('enrollment.error.codeUsed');
    case 'hubUnreachable':
      return t('enrollment.error.hubUnreachable');
    case 'tlsProblem':
      return t('enrollment.error.tlsProblem');
    case 'notAHub':
      return t('enrollment.error.notAHub');
    case 'hubRefused':
      return t('enrollment.error.hubRefused');
    case 'saveFailed':
      return t('enrollment.error.saveFailed');
    default: {
      const unknownCode: never = code;
      return unknownCode;
    }
  }
}
