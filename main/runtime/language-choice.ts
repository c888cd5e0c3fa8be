// A signed-in person's language choice (docs/languages.md §5 "Where a choice is kept"): kept on the device's copy of
// their record and, in the same transaction, queued for the hub as the chooseLanguage mutation, so the choice follows
// them to every device and a later hub update of their record does not undo it. The hub keeps the newer of this choice
// and any staff edit, by when each was made (hub/services/resident-language.ts).
import type { LanguageCode } from '../contract';
import { storeQueriesOf } from '../store/store-queries';
import type { RecordMutation } from '../sync/outbox';

/** Keeps `language` as the choice of the person signed in as `residentId`. */
export type ChooseLanguage = (residentId: string, language: LanguageCode) => void;

export function languageChoice({ recordMutation, now }: { readonly recordMutation: RecordMutation; readonly now: () => number }): ChooseLanguage {
  return (residentId, language) => {
    recordMutation('chooseLanguage', { residentId, language, chosenAt: now() }, (db) => storeQueriesOf(db).residents.setLanguage(residentId, language));
  };
}
