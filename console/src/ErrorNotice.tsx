// A refusal or failure in the reader's words: the code worded by the locale file, the hub's sentence when it says
// more (a field that was wrong, a clash that was found).
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ConsoleError } from './api';

/** Codes whose hub sentence carries the particulars (which field, which clash): shown as the hub worded them. */
const specificCodes = new Set(['badRequest', 'invalid', 'conflict', 'notFound']);

export function errorText(error: ConsoleError, t: TFunction): string {
  if (specificCodes.has(error.code)) return error.message;
  if (error.code === 'lockedOut' && error.details.lockedUntil !== undefined)
    return t('errors.lockedOutUntil', { time: new Date(error.details.lockedUntil).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) });
  if (error.code === 'wrongPassword' && error.details.attemptsLeft !== undefined) return t('errors.wrongPassword', { count: error.details.attemptsLeft });
  return t(`errors.${error.code}`, { defaultValue: error.message });
}

export function ErrorNotice({ error }: { error: ConsoleError | null }) {
  const { t } = useTranslation();
  if (error === null) return null;
  return (
    <p className="notice notice-error" role="alert">
      {errorText(error, t)}
    </p>
  );
}
