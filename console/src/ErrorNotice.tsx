// A refusal or failure in the reader's words: the code worded by the locale file, the hub's sentence when it says
// more (a field that was wrong, a clash that was found). The hub writes its particulars in English only, so in any
// other language the code's words come first and the hub's sentence follows, marked as the hub's: nothing is lost.
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ConsoleError } from './api';
import { useFormat, type ConsoleFormat } from './format';
import { defaultLanguage } from './i18n';

/** Codes whose hub sentence carries the particulars (which field, which clash). */
const specificCodes = new Set(['badRequest', 'invalid', 'conflict', 'notFound']);

export function errorText(error: ConsoleError, t: TFunction, format: ConsoleFormat, language: string): string {
  if (specificCodes.has(error.code) && error.message !== '') {
    if (error.wordedBy === 'page' || language === defaultLanguage) return error.message;
    return t('errors.withHubWords', { words: t(`errors.${error.code}`), hub: error.message });
  }
  if (error.code === 'lockedOut' && error.details.lockedUntil !== undefined)
    return t('errors.lockedOutUntil', { time: format.time(error.details.lockedUntil) });
  if (error.code === 'wrongPassword' && error.details.attemptsLeft !== undefined) return t('errors.wrongPassword', { count: error.details.attemptsLeft });
  return t(`errors.${error.code}`, { defaultValue: error.message });
}

export function ErrorNotice({ error }: { error: ConsoleError | null }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  if (error === null) return null;
  return (
    <p className="notice notice-error" role="alert">
      {errorText(error, t, format, i18n.language)}
    </p>
  );
}
