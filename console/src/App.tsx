// The console's frame: signed out → the sign-in page; a password someone else set → choose your own; otherwise the
// navigation (the pages this role uses) and the page the address names.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SessionView } from '../../hub/console/api/schemas/session';
import { Ok } from '../../hub/console/api/schemas/common';
import { ConsoleError, consoleGet, consolePost, onSignedOut, setCsrfToken } from './api';
import { ErrorNotice } from './ErrorNotice';
import { SiteTimeZone } from './format';
import { consoleLanguage, showLanguage } from './i18n';
import { LanguageChooser } from './LanguageChooser';
import { Link } from './Link';
import { consolePages, pageForPath, pageVisibleTo } from './pages';
import { ChangePasswordPage } from './pages/ChangePasswordPage';
import { SignInPage } from './pages/SignInPage';
import { useLocation } from './router';

type SessionState =
  | { readonly kind: 'checking' }
  | { readonly kind: 'signedOut'; readonly why: ConsoleError | null }
  | { readonly kind: 'signedIn'; readonly session: SessionView };

export function App() {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<SessionState>({ kind: 'checking' });
  const [languageError, setLanguageError] = useState<ConsoleError | null>(null);
  const { path } = useLocation();

  // The staff member's own language, kept with their account at the hub, is the one the console opens in for them.
  const signedIn = useCallback(
    (session: SessionView) => {
      setCsrfToken(session.csrfToken);
      const chosen = session.staff.language;
      if (chosen !== null && consoleLanguage(chosen) !== undefined) void showLanguage(i18n, chosen);
      setState({ kind: 'signedIn', session });
    },
    [i18n],
  );

  const chooseLanguage = (tag: string) => {
    void showLanguage(i18n, tag);
    setLanguageError(null);
    consolePost('/session/language', { language: tag }, SessionView).then(signedIn, (failure: unknown) =>
      setLanguageError(failure instanceof ConsoleError ? failure : new ConsoleError('internal', String(failure), 0)),
    );
  };

  useEffect(() => {
    consoleGet('/session', SessionView).then(signedIn, (error: unknown) =>
      setState({ kind: 'signedOut', why: error instanceof ConsoleError && error.code !== 'signedOut' ? error : null }),
    );
    return onSignedOut(() => setState({ kind: 'signedOut', why: new ConsoleError('signedOut', '', 401) }));
  }, [signedIn]);

  useEffect(() => {
    const page = pageForPath(path);
    document.title = page === undefined ? t('title') : `${t(page.titleKey)} · ${t('title')}`;
  }, [path, t]);

  switch (state.kind) {
    case 'checking':
      return <p className="loading">{t('loading')}</p>;
    case 'signedOut':
      return <SignInPage onSignedIn={signedIn} why={state.why} />;
    case 'signedIn':
      break;
    default: {
      const unknownState: never = state;
      throw new Error(`unknown session state ${JSON.stringify(unknownState)}`);
    }
  }
  const { session } = state;
  const chosenButMissing = session.staff.language !== null && consoleLanguage(session.staff.language) === undefined;
  if (session.staff.mustChangePassword) return <ChangePasswordPage session={session} onChanged={signedIn} />;

  const signOut = () => {
    consolePost('/session/sign-out', {}, Ok).then(
      () => setState({ kind: 'signedOut', why: null }),
      () => setState({ kind: 'signedOut', why: null }),
    );
  };
  const visible = consolePages.filter((page) => pageVisibleTo(page, session.staff.role));
  const page = pageForPath(path);
  const allowed = page !== undefined && pageVisibleTo(page, session.staff.role);
  return (
    <SiteTimeZone.Provider value={session.staff.timeZone ?? undefined}>
      <div className="frame">
        <a className="skip-link" href="#main">
          {t('skipToContent')}
        </a>
        <header className="topbar">
          <span className="brand">{t('title')}</span>
          <span className="who">
            {session.staff.displayName} · {t(`roles.${session.staff.role}`)} · {session.staff.siteName ?? t('everySite')}
          </span>
          <LanguageChooser onChoose={chooseLanguage} />
          <button type="button" className="button-quiet" onClick={signOut}>
            {t('signOut')}
          </button>
        </header>
        <nav className="sidebar" aria-label={t('navigation')}>
          <ul>
            {visible.map((entry) => (
              <li key={entry.path}>
                <Link to={entry.path} current={entry === page}>
                  {t(entry.titleKey)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          <ErrorNotice error={languageError} />
          {chosenButMissing && <p className="notice">{t('language.missing')}</p>}
          {allowed ? (
            <page.Component session={session} />
          ) : (
            <section>
              <h1>{page === undefined ? t('notFound.title') : t('notYours.title')}</h1>
              <ErrorNotice error={new ConsoleError(page === undefined ? 'notFound' : 'notYourRole', t('notFound.text'), 404)} />
            </section>
          )}
        </main>
      </div>
    </SiteTimeZone.Provider>
  );
}
