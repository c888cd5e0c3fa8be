// A refusal from the hub is worded on the device from its code and figures, in the screen's language: the same
// refusal reads naturally in English and in Spanish, with money and counts as the person reads them.
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { HubRefusal } from '../../../main/contract';
import en from '../../../renderer/locales/en.json';
import es from '../../../renderer/locales/es.json';
import { hubRefusalText } from '../../../renderer/src/i18n/hubRefusal';

async function translator(language: 'en' | 'es') {
  const i18n = i18next.createInstance();
  await i18n.init({ resources: { en: { translation: en }, es: { translation: es } }, lng: language, interpolation: { escapeValue: false } });
  return i18n.t;
}

describe('hub refusals in the person’s language', () => {
  it('words a purchase the facility could not cover, with the figures it gave, in English and Spanish', async () => {
    const refusal = HubRefusal.parse({ code: 'notEnoughMoney', neededCents: 800, availableCents: 100 });
    expect(hubRefusalText(refusal, 'en', await translator('en'))).toBe('The facility checked your account: this costs $8.00 and you had $1.00.');
    expect(hubRefusalText(refusal, 'es', await translator('es'))).toMatch(
      /^El centro revisó su cuenta: esto cuesta (US)?\$8\.00 y usted tenía (US)?\$1\.00\.$/,
    );
  });

  it('says counts in singular and plural, and every code has words', async () => {
    const englishT = await translator('en');
    const spanishT = await translator('es');
    expect(hubRefusalText({ code: 'notEnoughStamps', neededStamps: 1, availableStamps: 0 }, 'en', englishT)).toBe(
      'The facility checked your stamps: this needs 1 stamp and you had 0.',
    );
    expect(hubRefusalText({ code: 'notEnoughStamps', neededStamps: 3, availableStamps: 1 }, 'es', spanishT)).toBe(
      'El centro revisó sus estampillas: esto necesita 3 estampillas y usted tenía 1.',
    );
    for (const option of HubRefusal.options) {
      const code = option.shape.code.value;
      const sample = HubRefusal.parse({
        code,
        neededCents: 1,
        availableCents: 0,
        neededStamps: 2,
        availableStamps: 0,
        maxCharacters: 30000,
        characters: 30001,
        bookSize: 7,
        pausedUntil: Date.UTC(2026, 2, 12, 17),
      });
      for (const [language, t] of [
        ['en', englishT],
        ['es', spanishT],
      ] as const) {
        const text = hubRefusalText(sample, language, t);
        expect(text, `${code} in ${language}`).not.toContain('hubRefusal.');
        expect(text.length, `${code} in ${language}`).toBeGreaterThan(10);
      }
    }
  });
});
