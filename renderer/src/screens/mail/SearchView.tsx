import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanguageCode, MailSearchHit } from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';
import { formatWhen } from '../../i18n/format';
import { Name } from '../../components/MessageText';
import { OnScreenKeyboard } from '../../components/OnScreenKeyboard';
import { ScreenFrame } from '../../frame/ScreenFrame';

/** The longest query the store is asked (the contract's limit); longer pastes are cut, and the screen says so. */
const maxQueryLength = 200;

interface SearchViewProps {
  navigation: ReactNode;
  api: DeviceClient;
  language: LanguageCode;
  /** Opens the hit's conversation at that letter. */
  onOpen(contactId: string, messageId: string): void;
}

/**
 * Search the words of the person's own mail; a result opens its conversation at that letter. The field and the results
 * sit in the content region above the docked keyboard, so a search visibly answers while the keys are still open.
 */
export function SearchView({ navigation, api, language, onOpen }: SearchViewProps) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const queryField = useRef<HTMLInputElement>(null);
  const [hits, setHits] = useState<MailSearchHit[] | null>(null);
  const [keyboardShown, setKeyboardShown] = useState(true);
  const search = () => {
    api.call('mail.search', { query: query.slice(0, maxQueryLength) }).then(setHits, () => setHits([]));
  };
  return (
    <ScreenFrame
      screen="mail"
      dataAttributes={{ 'data-view': 'search' }}
      title={t('mail.searchTitle')}
      navigation={navigation}
      actions={
        <>
          <button type="button" className="button button--secondary" onClick={() => setKeyboardShown((shown) => !shown)}>
            {keyboardShown ? t('mail.keyboard.hide') : t('mail.keyboard.show')}
          </button>
          <button type="submit" form="mail-search-form" className="button button--primary button--wide" data-testid="search-submit">
            {t('mail.searchButton')}
          </button>
        </>
      }
      keyboard={keyboardShown ? <OnScreenKeyboard language={language} value={query} onChange={setQuery} singleLine field={queryField} /> : null}
    >
      <div className="search" data-testid="search">
        <form
          id="mail-search-form"
          className="search__form"
          onSubmit={(event) => {
            event.preventDefault();
            search();
          }}
        >
          <label className="compose__label" htmlFor="search-query">
            {t('mail.searchLabel')}
          </label>
          <input
            ref={queryField}
            id="search-query"
            className="search__input"
            dir="auto"
            value={query}
            maxLength={maxQueryLength}
            onChange={(event) => setQuery(event.target.value)}
            data-testid="search-query"
          />
        </form>
        {hits === null ? null : (
          <p className="search__count" role="status" data-testid="search-count">
            {hits.length === 0 ? t('mail.noResults') : t('mail.resultCount', { count: hits.length })}
          </p>
        )}
        <ul className="plain-list">
          {(hits ?? []).map((hit) => (
            <li key={hit.messageId}>
              <button type="button" className="conversation-row" data-testid="search-hit" onClick={() => onOpen(hit.contactId, hit.messageId)}>
                <span className="conversation-row__name">{hit.direction === 'inbound' ? <Name text={hit.contactName} /> : t('mail.you')}</span>
                <span className="conversation-row__preview" dir="auto">
                  {hit.snippet}
                </span>
                <span className="conversation-row__meta">{formatWhen(hit.at, language)}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </ScreenFrame>
  );
}
