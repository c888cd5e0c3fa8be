// The first page after sign-in: who is signed in, and the work their role does, one link each.
import { useTranslation } from 'react-i18next';
import { Link } from '../Link';
import { consolePages, pageVisibleTo, type ConsolePageProps } from '../pages';
import { SiteLanguagesForm } from './SiteLanguagesForm';

export function HomePage({ session }: ConsolePageProps) {
  const { t } = useTranslation();
  const pages = consolePages.filter((page) => page.path !== '/' && pageVisibleTo(page, session.staff.role));
  return (
    <section>
      <h1>{t('home.title', { name: session.staff.displayName })}</h1>
      <p>{t('home.intro', { role: t(`roles.${session.staff.role}`), site: session.staff.siteName ?? t('everySite') })}</p>
      <ul className="tiles">
        {pages.map((page) => (
          <li key={page.path}>
            <Link to={page.path} className="tile">
              <strong>{t(page.titleKey)}</strong>
              <span>{t(`${page.titleKey}Summary`)}</span>
            </Link>
          </li>
        ))}
      </ul>
      {/* The site's languages are a supervisor's or an admin's to set, for their own site. */}
      {(session.staff.role === 'supervisor' || session.staff.role === 'admin') && session.staff.siteId !== null ? <SiteLanguagesForm /> : null}
    </section>
  );
}
