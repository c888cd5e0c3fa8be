// Service mode's "Store encryption" fact: on, or off with a reason in words, in each language the screens offer; every
// reason the contract can send has its own sentence, and none is a bare code or key path.
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { StoreEncryptionOffReason } from '../../../main/contract';
import { storeEncryptionText } from '../../../renderer/src/screens/service/storeEncryptionWords';
import en from '../../../renderer/locales/en.json';
import es from '../../../renderer/locales/es.json';

async function translator(language: 'en' | 'es') {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: language, resources: { en: { translation: en }, es: { translation: es } }, interpolation: { escapeValue: false } });
  return i18n.t;
}

describe('store encryption in words', () => {
  it('English: on names the OS keychain; off gives the reason', async () => {
    const t = await translator('en');
    expect(storeEncryptionText(t, { state: 'on' })).toBe('On (key sealed by the OS keychain)');
    expect(storeEncryptionText(t, { state: 'off', reason: 'noKeyStore' })).toBe(
      'Off: this app runs without an OS keychain (the web host or development), so there is no key to seal',
    );
    expect(storeEncryptionText(t, { state: 'off', reason: 'safeStorageBasicText' })).toBe(
      'Off: no keyring runs on this Linux system, so no key could be sealed',
    );
  });

  it('Spanish: activado / desactivado with the reason', async () => {
    const t = await translator('es');
    expect(storeEncryptionText(t, { state: 'on' })).toBe('Activado (clave sellada por el llavero del sistema operativo)');
    expect(storeEncryptionText(t, { state: 'off', reason: 'keyUnreadable' })).toMatch(/^Desactivado: la clave sellada/);
  });

  it.each(['en', 'es'] as const)('%s: one distinct sentence per reason, none a key path', async (language) => {
    const t = await translator(language);
    const sentences = StoreEncryptionOffReason.options.map((reason) => storeEncryptionText(t, { state: 'off', reason }));
    for (const sentence of sentences) {
      expect(sentence).not.toMatch(/service\.overview|\{\{/);
      expect(sentence.length).toBeGreaterThan(30);
    }
    expect(new Set(sentences).size).toBe(sentences.length);
  });
});
