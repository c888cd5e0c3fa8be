// A password someone else set (create-admin, an admin's reset) is replaced by the owner's own before anything else.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SessionView } from '../../../hub/console/api/schemas/session';
import { ConsoleError, consolePost, setCsrfToken } from '../api';
import { ErrorNotice } from '../ErrorNotice';

export function ChangePasswordPage({ session, onChanged }: { session: SessionView; onChanged: (session: SessionView) => void }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<ConsoleError | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (next !== repeat) {
      setError(new ConsoleError('invalid', t('password.mismatch'), 400));
      return;
    }
    setCsrfToken(session.csrfToken);
    consolePost('/session/password', { current, next }, SessionView).then(onChanged, (failure: unknown) =>
      setError(failure instanceof ConsoleError ? failure : new ConsoleError('internal', String(failure), 0)),
    );
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} className="card sign-in-card" aria-labelledby="password-title">
        <h1 id="password-title">{t('password.title')}</h1>
        <p>{t('password.intro', { name: session.staff.displayName })}</p>
        <ErrorNotice error={error} />
        <label>
          {t('password.current')}
          <input type="password" autoComplete="current-password" value={current} onChange={(event) => setCurrent(event.target.value)} required />
        </label>
        <label>
          {t('password.next')}
          <input type="password" autoComplete="new-password" value={next} onChange={(event) => setNext(event.target.value)} required minLength={12} />
        </label>
        <label>
          {t('password.repeat')}
          <input type="password" autoComplete="new-password" value={repeat} onChange={(event) => setRepeat(event.target.value)} required minLength={12} />
        </label>
        <button type="submit" className="button-primary">
          {t('password.submit')}
        </button>
      </form>
    </main>
  );
}
