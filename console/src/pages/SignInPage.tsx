// Signing in: username and password, a refusal in words (tries left, or locked until when), nothing else on the page.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SessionView } from '../../../hub/console/api/schemas/session';
import { ConsoleError, consolePost } from '../api';
import { ErrorNotice } from '../ErrorNotice';
import { showLanguage } from '../i18n';
import { LanguageChooser } from '../LanguageChooser';

export function SignInPage({ onSignedIn, why }: { onSignedIn: (session: SessionView) => void; why: ConsoleError | null }) {
  const { t, i18n } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ConsoleError | null>(why);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    consolePost('/session', { username, password }, SessionView).then(onSignedIn, (failure: unknown) => {
      setBusy(false);
      setPassword('');
      setError(failure instanceof ConsoleError ? failure : new ConsoleError('internal', String(failure), 0));
    });
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} className="card sign-in-card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t('signIn.title')}</h1>
        {/* Before sign-in the choice is this browser's only; once signed in, the account's own language takes over. */}
        <LanguageChooser onChoose={(tag) => void showLanguage(i18n, tag)} />
        <p>{t('signIn.intro')}</p>
        <ErrorNotice error={error} />
        <label>
          {t('signIn.username')}
          <input name="username" autoComplete="username" value={username} onChange={(event) => setUsername(event.target.value)} required maxLength={100} />
        </label>
        <label>
          {t('signIn.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required
            maxLength={500}
          />
        </label>
        <button type="submit" className="button-primary" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
