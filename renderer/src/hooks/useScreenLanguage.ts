import { useTranslation } from 'react-i18next';
import { LanguageCode } from '../../../main/contract';

/** The language the screen is drawn in now, for Intl formatting. */
export function useScreenLanguage(): LanguageCode {
  const { i18n } = useTranslation();
  const parsed = LanguageCode.safeParse(i18n.resolvedLanguage);
  return parsed.success ? parsed.data : 'en';
}
