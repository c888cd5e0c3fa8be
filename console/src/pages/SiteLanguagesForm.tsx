// The languages the site offers residents and the one its devices start in (admin and supervisor, on the home page):
// shown, and set as tags in the order the devices' language switch shows them. The hub checks each tag's shape and
// says in words what is wrong; a device offers only the languages it has words for (docs/languages.md).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SiteLanguagesView } from '../../../hub/console/api/schemas/site-languages';
import { ConsoleError, consoleGet, consolePost } from '../api';
import { ErrorNotice } from '../ErrorNotice';
import { useLoad } from '../useLoad';

export function SiteLanguagesForm() {
  const { t } = useTranslation();
  const current = useLoad(() => consoleGet('/site/languages', SiteLanguagesView), []);
  const [offered, setOffered] = useState<string | null>(null);
  const [chosenDefault, setChosenDefault] = useState<string | null>(null);
  const [error, setError] = useState<ConsoleError | null>(null);
  const [saved, setSaved] = useState(false);
  if (current.data === null) return null;
  const offeredText = offered ?? current.data.offered.join(', ');
  const defaultText = chosenDefault ?? current.data.default ?? '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const tags = offeredText
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag !== '');
    consolePost('/site/languages', { offered: tags, default: defaultText.trim() === '' ? (tags[0] ?? '') : defaultText.trim() }, SiteLanguagesView).then(
      () => {
        setError(null);
        setSaved(true);
        setOffered(null);
        setChosenDefault(null);
        current.reload();
      },
      (failure: unknown) => {
        setSaved(false);
        setError(failure instanceof ConsoleError ? failure : new ConsoleError('internal', String(failure), 0));
      },
    );
  };

  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="site-languages-title">
      <h2 id="site-languages-title">{t('siteLanguages.title')}</h2>
      <p>
        {current.data.set
          ? t('siteLanguages.current', { offered: current.data.offered.join(', '), default: current.data.default ?? '' })
          : t('siteLanguages.notSet')}
      </p>
      <label>
        {t('siteLanguages.offeredLabel')}
        <input value={offeredText} onChange={(event) => setOffered(event.target.value)} maxLength={400} required />
      </label>
      <label>
        {t('siteLanguages.defaultLabel')}
        <input value={defaultText} onChange={(event) => setChosenDefault(event.target.value)} maxLength={35} />
      </label>
      <button type="submit">{t('siteLanguages.save')}</button>
      <div role="status">{saved ? <p>{t('siteLanguages.saved')}</p> : null}</div>
      <ErrorNotice error={error} />
    </form>
  );
}
