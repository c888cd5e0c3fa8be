// Service mode's "App updates" fact and its refusal notice, in every language the screens have words for: each outcome
// and each refusal the contract can send has its own sentence, never a bare code or key path.
import i18next, { type ResourceLanguage, type TFunction } from 'i18next';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UpdateCheckOutcomeKind, UpdateRefusal, type AppUpdateStatus } from '../../../main/contract';
import { appUpdateRefusalText, appUpdateText } from '../../../renderer/src/screens/service/appUpdateWords';

const localesDir = join('renderer', 'locales');
const languages = readdirSync(localesDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length));

async function translator(language: string): Promise<TFunction> {
  const i18n = i18next.createInstance();
  const translation = JSON.parse(readFileSync(join(localesDir, `${language}.json`), 'utf8')) as ResourceLanguage;
  await i18n.init({ lng: language, resources: { [language]: { translation } }, interpolation: { escapeValue: false } });
  return i18n.t;
}

const checkedAt = Date.UTC(2026, 11, 7, 15, 30);
const status = (changes: Partial<AppUpdateStatus>): AppUpdateStatus => ({
  lastCheckAt: checkedAt,
  lastOutcome: 'upToDate',
  lastRefusal: null,
  stagedVersion: null,
  ...changes,
});

describe('app updates in words', () => {
  it('English: off, not asked yet, the last check with its outcome, a download waiting, a refusal with its version', async () => {
    const t = await translator('en');
    expect(appUpdateText(t, null, 'en')).toMatch(/^Off: this installation does not update itself from the hub/);
    expect(appUpdateText(t, status({ lastCheckAt: null, lastOutcome: null }), 'en')).toBe('Not asked yet: the first check is a minute after the app starts.');
    expect(appUpdateText(t, status({}), 'en')).toMatch(/^Last asked the hub .*2026.*: up to date\.$/);
    expect(appUpdateText(t, status({ lastOutcome: 'waitingForIdle', stagedVersion: '0.2.0' }), 'en')).toMatch(
      /: a newer version is ready\. Version 0\.2\.0 is downloaded and checked; it is installed when no one is signed in\.$/,
    );
    expect(appUpdateRefusalText(t, status({}))).toBeNull();
    expect(appUpdateRefusalText(t, null)).toBeNull();
    expect(appUpdateRefusalText(t, status({ lastOutcome: 'refused', lastRefusal: { refusal: 'badSignature', version: '0.3.0' } }))).toBe(
      "Version 0.3.0 was refused: it is not signed with this site's update key. This version keeps running.",
    );
    expect(appUpdateRefusalText(t, status({ lastOutcome: 'refused', lastRefusal: { refusal: 'unreadableMetadata', version: null } }))).toBe(
      "An update was refused: the hub's description of the update could not be read. This version keeps running.",
    );
  });

  it.each(languages)('%s: one distinct sentence per outcome and per refusal, none a key path or a blank', async (language) => {
    const t = await translator(language);
    const outcomes = UpdateCheckOutcomeKind.options.map((lastOutcome) => appUpdateText(t, status({ lastOutcome }), 'en'));
    const refusals = UpdateRefusal.options.map(
      (refusal) => appUpdateRefusalText(t, status({ lastOutcome: 'refused', lastRefusal: { refusal, version: '0.3.0' } })) ?? '',
    );
    for (const sentence of [...outcomes, ...refusals, appUpdateText(t, null, 'en')]) {
      expect(sentence).not.toMatch(/service\.overview|\{\{|undefined/);
      expect(sentence.length).toBeGreaterThan(20);
    }
    expect(new Set(outcomes).size).toBe(outcomes.length);
    expect(new Set(refusals).size).toBe(refusals.length);
    for (const sentence of refusals) expect(sentence).toContain('0.3.0');
  });
});
