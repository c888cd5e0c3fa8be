// The Spanish and English screen text stay in step, and every code the contract can send has words.
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import {
  AttractNotice,
  DeviceErrorCode,
  StoreEncryptionOffReason,
  HubRefusal,
  TabletAssignError,
  TabletUnassignError,
  DeviceLogLine,
  DeviceMode,
  MailRefusal,
  PinNotice,
  ReadFormat,
  ReaderConnection,
  ReadRejectionReason,
  SentStep,
  SentTimeline,
  SyncErrorCode,
  SyncState,
  LocaleBlock,
} from '../../../main/contract';
import en from '../../../renderer/locales/en.json';
import es from '../../../renderer/locales/es.json';

type Tree = { [key: string]: string | Tree };
const locales: Record<string, Tree> = { en, es };

/** Every leaf as a dotted path and its text. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') found.set(path, value);
    else for (const [childPath, text] of leaves(value, path)) found.set(childPath, text);
  }
  return found;
}

/** A key is translated if it exists as is or in plural forms (`_one`/`_other`). */
function hasText(tree: Tree, key: string): boolean {
  const all = leaves(tree);
  const present = (path: string) => (all.get(path) ?? '').trim() !== '';
  return present(key) || (present(`${key}_one`) && present(`${key}_other`));
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]).sort();

describe('screen text', () => {
  // Plural forms are each language's own (Spanish has a "many" English lacks): test/unit/locales/every-locale.test.ts
  // holds each file to exactly the forms Intl.PluralRules gives it; here the keys and their forms line up.
  it('has exactly the same keys in English and Spanish, each plural in every form its language has', () => {
    const spanishKeys = [...leaves(es).keys()];
    const englishKeys = [...leaves(en).keys()];
    const spanishForms = new Intl.PluralRules('es').resolvedOptions().pluralCategories;
    const inSpanishForms = englishKeys.flatMap((key) =>
      key.endsWith('_other') ? spanishForms.map((form) => key.replace(/_other$/, `_${form}`)) : key.endsWith('_one') ? [] : [key],
    );
    expect(spanishKeys.sort()).toEqual([...new Set(inSpanishForms)].sort());
  });

  it.each(Object.entries(locales))('has no empty strings in %s', (_language, tree) => {
    const empty = [...leaves(tree)].filter(([, text]) => text.trim() === '').map(([path]) => path);
    expect(empty).toEqual([]);
  });

  it('uses the same placeholders in both languages', () => {
    const spanish = leaves(es);
    for (const [path, text] of leaves(en)) expect(placeholders(spanish.get(path) ?? ''), path).toEqual(placeholders(text));
  });

  it.each(Object.entries(locales))('translates every error code, attract notice and PIN notice in %s', (_language, tree) => {
    for (const code of DeviceErrorCode.options) expect(hasText(tree, `errors.${code}`), code).toBe(true);
    for (const notice of AttractNotice.options) expect(hasText(tree, `attract.notice.${notice}`), notice).toBe(true);
    for (const notice of PinNotice.options) expect(hasText(tree, `pinEntry.notice.${notice}`), notice).toBe(true);
  });

  it.each(Object.entries(locales))('says every mail refusal, timeline state and step in words in %s', (_language, tree) => {
    for (const option of MailRefusal.options) expect(hasText(tree, `mail.refusal.${option.shape.reason.value}`), option.shape.reason.value).toBe(true);
    for (const state of SentTimeline.shape.state.options) expect(hasText(tree, `mail.timeline.state.${state}`), state).toBe(true);
    for (const step of SentStep.options) expect(hasText(tree, `mail.timeline.steps.${step}`), step).toBe(true);
  });

  it.each(Object.entries(locales))('says every reader state, read format, bad-read reason, sync state and sync error for staff in %s', (_language, tree) => {
    for (const reason of ReadRejectionReason.options) expect(hasText(tree, `service.readers.reasons.${reason}`), reason).toBe(true);
    for (const format of ReadFormat.options) expect(hasText(tree, `service.readers.formats.${format}`), format).toBe(true);
    for (const connection of ReaderConnection.options) expect(hasText(tree, `service.readers.connection.${connection}`), connection).toBe(true);
    for (const state of SyncState.options) expect(hasText(tree, `service.sync.states.${state}`), state).toBe(true);
    for (const code of SyncErrorCode.options) expect(hasText(tree, `service.sync.errors.${code}`), code).toBe(true);
    for (const level of DeviceLogLine.shape.level.options) expect(hasText(tree, `service.logs.levels.${level}`), level).toBe(true);
    for (const mode of DeviceMode.options) expect(hasText(tree, `service.overview.modes.${mode}`), mode).toBe(true);
    for (const reason of StoreEncryptionOffReason.options) expect(hasText(tree, `service.overview.storeEncryptionOffReasons.${reason}`), reason).toBe(true);
    for (const error of TabletAssignError.options) expect(hasText(tree, `service.tablet.assignErrors.${error}`), error).toBe(true);
    for (const error of TabletUnassignError.options) expect(hasText(tree, `service.tablet.unassignErrors.${error}`), error).toBe(true);
  });

  it.each(Object.entries(locales))('words every refusal the hub can send, from its code, in %s', (_language, tree) => {
    for (const option of HubRefusal.options) expect(hasText(tree, `hubRefusal.${option.shape.code.value}`), option.shape.code.value).toBe(true);
  });

  // Each file names itself (the language switch shows every language by its own name, from its own file).
  it.each(Object.entries(locales))('names its own language in its locale block in %s', (_language, tree) => {
    expect(LocaleBlock.safeParse(tree['locale']).success).toBe(true);
  });

  it('says resident or person, never inmate or recluso', () => {
    for (const tree of Object.values(locales)) {
      for (const [path, text] of leaves(tree)) expect(text, path).not.toMatch(/inmate|recluso|reclusa|preso|presa/i);
    }
  });

  it('gives the attempts left in natural singular and plural', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources: { en: { translation: en }, es: { translation: es } }, lng: 'en', interpolation: { escapeValue: false } });
    expect(i18n.t('pinEntry.notice.wrongPin', { count: 3 })).toBe('Wrong PIN. 3 tries left.');
    expect(i18n.t('pinEntry.notice.wrongPin', { count: 1 })).toBe('Wrong PIN. 1 try left.');
    await i18n.changeLanguage('es');
    expect(i18n.t('pinEntry.notice.wrongPin', { count: 3 })).toBe('PIN incorrecto. Le quedan 3 intentos.');
    expect(i18n.t('pinEntry.notice.wrongPin', { count: 1 })).toBe('PIN incorrecto. Le queda 1 intento.');
    expect(i18n.t('attract.notice.cardNotRecognized')).toMatch(/^No se reconoció la tarjeta/);
  });
});
