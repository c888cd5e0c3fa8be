// Every enrollment failure has its own sentence in every language the screens offer, and none is a bare code.
import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { EnrollmentErrorCode } from '../../../main/contract';
import { enrollmentErrorText } from '../../../renderer/src/screens/enrollment/enrollmentWords';
import en from '../../../renderer/locales/en.json';
import es from '../../../renderer/locales/es.json';

describe('enrollment errors in words', () => {
  it.each(['en', 'es'] as const)('%s: one distinct sentence per code', async (language) => {
    const i18n = i18next.createInstance();
    await i18n.init({ lng: language, resources: { en: { translation: en }, es: { translation: es } }, interpolation: { escapeValue: false } });
    const sentences = EnrollmentErrorCode.options.map((code) => enrollmentErrorText(i18n.t, code));
    for (const [index, sentence] of sentences.entries()) {
      expect(sentence, EnrollmentErrorCode.options[index]).not.toMatch(/^enrollment\./);
      expect(sentence.length).toBeGreaterThan(20);
    }
    expect(new Set(sentences).size).toBe(sentences.length);
  });

  it('Spanish differs from English for every code', () => {
    for (const code of EnrollmentErrorCode.options) expect(es.enrollment.error[code]).not.toBe(en.enrollment.error[code]);
  });
});
