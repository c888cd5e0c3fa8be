// The renderer's languages come from its locale files: which it has, what each is called and which way it is written,
// what a person is shown when the site or their record names a language this device has no words for, and that a key
// a translation lacks is said in English — never as the raw key.
import { describe, expect, it } from 'vitest';
import en from '../../../renderer/locales/en.json';
import es from '../../../renderer/locales/es.json';
import { createI18n } from '../../../renderer/src/i18n';
import { intlLocale } from '../../../renderer/src/i18n/format';
import { installedLanguage, installedLanguages, languageToShow, offeredLanguages, readLocaleFile } from '../../../renderer/src/i18n/languages';

describe('the installed languages', () => {
  it('are the locale files, each named by itself', () => {
    expect(installedLanguages.get('en')).toMatchObject({ name: 'English', direction: 'ltr', intl: 'en-US' });
    expect(installedLanguages.get('es')).toMatchObject({ name: 'Español', direction: 'ltr', intl: 'es-US' });
    expect(intlLocale('es')).toBe('es-US');
  });

  it('formats a language without a file as English does', () => {
    expect(installedLanguage('pt-BR').tag).toBe('en');
    expect(intlLocale('pt-BR')).toBe('en-US');
  });

  it('leave out a file that is misnamed or has no valid locale block, saying why', () => {
    expect(readLocaleFile('../../locales/ar.json', { locale: { name: 'العربية', direction: 'rtl', intl: 'ar' } })).toMatchObject({
      tag: 'ar',
      direction: 'rtl',
    });
    expect(readLocaleFile('../../locales/Arabic.json', { locale: { name: 'العربية', direction: 'rtl', intl: 'ar' } })).toEqual({
      problem: expect.stringContaining('not a language tag') as string,
    });
    expect(readLocaleFile('../../locales/ar.json', { app: { title: 'Dayroom' } })).toEqual({ problem: expect.stringContaining('"locale" block') as string });
    expect(readLocaleFile('../../locales/ar.json', { locale: { name: 'العربية', direction: 'sideways', intl: 'ar' } })).toEqual({
      problem: expect.stringContaining('direction') as string,
    });
    expect(readLocaleFile('../../locales/ar.json', { locale: { name: 'x', direction: 'rtl', intl: 'ar' }, count: 3 })).toEqual({
      problem: expect.stringContaining('not a tree of texts') as string,
    });
  });
});

describe('what a person is offered and shown', () => {
  it('offers only the languages this device has words for, in the site order, and names the others', () => {
    // Somali and Brazilian Portuguese: languages a site may offer that this app has no locale file for.
    expect(offeredLanguages(['es', 'so', 'en', 'vi', 'pt-BR'])).toEqual({ shown: ['es', 'en', 'vi'], withoutWords: ['so', 'pt-BR'] });
  });

  it('shows the site default when a record names a language without words here, and English when the default has none either', () => {
    expect(languageToShow('es', 'en')).toBe('es');
    expect(languageToShow('so', 'es')).toBe('es');
    expect(languageToShow('so', 'pt-BR')).toBe('en');
    expect(languageToShow(null, 'es')).toBe('es');
  });
});

describe('a key a translation lacks', () => {
  it('is said in English, never as the raw key', async () => {
    const i18n = createI18n('es');
    const { title: _leftOut, ...attractWithoutTitle } = es.attract;
    const withoutTitle = { ...es, attract: attractWithoutTitle };
    i18n.removeResourceBundle('es', 'translation');
    i18n.addResourceBundle('es', 'translation', withoutTitle);
    await i18n.changeLanguage('es');
    expect(i18n.t('attract.title')).toBe(en.attract.title);
    expect(i18n.t('attract.hint')).toBe(es.attract.hint);
  });
});
