// Screen text: i18next with the bundled en/es resources. The active language is decided by the app
// (the device's language, or the signed-in resident's), never remembered by the page itself.
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { supportedLanguages, type LanguageCode } from '../../../main/contract';
import en from '../../locales/en.json';
import es from '../../locales/es.json';

export const translations: Record<LanguageCode, typeof en> = { en, es };

declare module 'i18next' {
  interface CustomTypeOptions {
    // Keys are checked at compile time against the English file; a test keeps Spanish in step.
    resources: { translation: typeof en };
  }
}

export function createI18n(initialLanguage: LanguageCode = 'en'): I18n {
  const instance = i18next.createInstance();
  instance.use(initReactI18next);
  // Resources are bundled, so initialising synchronously means the first render already has its words.
  void instance.init({
    resources: { en: { translation: en }, es: { translation: es } },
    lng: initialLanguage,
    fallbackLng: 'en',
    supportedLngs: [...supportedLanguages],
    initAsync: false,
    // React escapes text itself; escaping here too would show "&amp;" in names.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

/** Switches the screen language and tells assistive technology which language the page is in. */
export async function showLanguage(instance: I18n, language: LanguageCode): Promise<void> {
  if (instance.language !== language) await instance.changeLanguage(language);
  document.documentElement.lang = language;
}
