import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanguageCode, MailSearchHit } from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';
import { formatWhen } from '../../i18n/format';
import { Name } from '../../components/MessageText';
import { OnScreenKeyboard } from '../../components/OnScreenKeyboard';

/** Search the words of the person's own mail; a result opens its conversation. */
export function SearchView({ api, language, onOpen }: { api: DeviceClient; language: LanguageCode; onOpen(contactId: string): void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const queryField = useRef<HTMLInputElement>(null);
  const [hits, setHits] = useState<MailSearchHit[] | null>(null);
  const search = () => {
    api.call('mail.search', { query: query.slice(0, 200) }).then(setHits, () => setHits([]));
  };
  return (
    <div className="search" data-testid="search">
      <h2 className="compose__title">{t('mail.searchTitle')}</h2>
      <form
        className="search__form"
        onSubmit={(event) => {
          event.preventDefault();
          search();
        }}
      >
        <label className="compose__label" htmlFor="search-query">
          {t('mail.searchLabel')}
        </label>
        <input ref={queryField} id="search-query" className="search__input" dir="auto" value={query} maxLength={200} onChange={(event) => setQuery(event.target.value)} data-testid="search-query" />
        <button type="submit" className="button button--primary">
          {t('mail.searchButton')}
        </button>
      </form>
      <OnScreenKeyboard language={language} value={query} onChange={setQuery} singleLine field={queryField} />
      {hits !== null && hits.length === 0 ? <p className="screen__lead">{t('mail.noResults')}</p> : null}
      <ul className="plain-list">
        {(hits ?? []).map((hit) => (
          <li key={hit.messageId}>
            <button type="button" className="conversation-row" data-testid="search-hit" onClick={() => onOpen(hit.contactId)}>
              <span className="conversation-row__name">
                {hit.direction === 'inbound' ? <Name text={hit.contactName} /> : t('mail.you')}
              </span>
              <span className="conversation-row__preview" dir="auto">
                {hit.snippet}
              </span>
              <span className="conversation-row__meta">{formatWhen(hit.at, language)}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
