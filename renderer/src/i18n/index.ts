// Screen text: i18next with every locale file bundled (./languages.ts). The active language is decided by the app
// (the device's language, or the signed-in resident's), never remembered by the page itself.
import i18next, { type i18n as I18n, type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { baseLanguage, type LanguageCode } from '../../../main/contract';
import { installedLanguage, installedLanguages } from './languages';

declare module 'i18next' {
  interface CustomTypeOptions {
    // Keys are checked at compile time against the English file; the locale test keeps every other file in step.
    resources: { translation: typeof import('../../locales/en.json') };
  }
}

export function createI18n(initialLanguage: LanguageCode = baseLanguage): I18n {
  const instance = i18next.createInstance();
  instance.use(initReactI18next);
  const resources: Resource = {};
  for (const [tag, language] of installedLanguages) resources[tag] = { translation: language.translation };
  // Resources are bundled, so initialising synchronously means the first render already has its words.
  void instance.init({
    resources,
    lng: initialLanguage,
    // A key a translation lacks is shown in English, never as the raw key (test/unit/renderer/languages.test.ts).
    fallbackLng: baseLanguage,
    supportedLngs: [...installedLanguages.keys()],
    initAsync: false,
    // React escapes text itself; escaping here too would show "&amp;" in names.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

/** Switches the screen language and tells assistive technology (and the layout) which language and direction the page is in. */
export async function showLanguage(instance: I18n, language: LanguageCode): Promise<void> {
  if (instance.language !== language) await instance.changeLanguage(language);
  document.documentElement.lang = language;
  document.documentElement.dir = installedLanguage(language).direction;
}
