// Review, the mailroom's page: the queue with the open letter beside it (/review, /review/letters/<id>), the search of
// reviewed mail (/review/search), the watch list, the standard reasons and messaging pauses. An all-sites admin picks
// the site; everyone else works on their own.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SiteList } from '../../../hub/console/api/schemas/accounts';
import { consoleGet } from '../api';
import { Link } from '../Link';
import type { ConsolePageProps } from '../pages';
import { navigate, useLocation } from '../router';
import { useLoad } from '../useLoad';
import { PausesView, ReasonsView, WatchListView } from './review/ListsViews';
import { QueueView } from './review/QueueView';
import { SearchView } from './review/SearchView';
import './review/review.css';

const tabs = ['queue', 'search', 'watch-list', 'reasons', 'pauses'] as const;
type Tab = (typeof tabs)[number];

function tabOf(path: string): { tab: Tab; messageId: string | null } {
  const rest = path.replace(/^\/review\/?/, '');
  if (rest.startsWith('letters/')) return { tab: 'queue', messageId: decodeURIComponent(rest.slice('letters/'.length)) };
  const tab = tabs.find((candidate) => candidate === rest);
  return { tab: tab ?? 'queue', messageId: null };
}

export function ReviewPage({ session }: ConsolePageProps) {
  const { t } = useTranslation();
  const { path } = useLocation();
  const { tab, messageId } = tabOf(path);
  const ownSite = session.staff.siteId;
  const sites = useLoad(() => (ownSite === null ? consoleGet('/sites', SiteList) : Promise.resolve({ sites: [] })), [ownSite]);
  const [chosenSite, setChosenSite] = useState<string | null>(null);
  /** The site listings cover: the staff member's own; for an all-sites admin, the one chosen (null: every site). */
  const listingSite = ownSite ?? chosenSite;
  /** The site a list that belongs to one site shows (watch list, reasons, pauses). */
  const oneSite = listingSite ?? sites.data?.sites[0]?.siteId ?? null;
  const mayEditReasons = session.staff.role === 'supervisor' || session.staff.role === 'admin';
  const openLetter = (id: string | null) => navigate(id === null ? '/review' : `/review/letters/${encodeURIComponent(id)}`);

  const body = (() => {
    switch (tab) {
      case 'queue':
        return <QueueView siteId={listingSite} openId={messageId} onOpen={openLetter} />;
      case 'search':
        return <SearchView siteId={listingSite} onOpen={(id) => openLetter(id)} />;
      case 'watch-list':
        return oneSite === null ? null : <WatchListView siteId={oneSite} />;
      case 'reasons':
        return oneSite === null ? null : <ReasonsView siteId={oneSite} mayEdit={mayEditReasons} />;
      case 'pauses':
        return oneSite === null ? null : <PausesView siteId={oneSite} />;
      default: {
        const unknownTab: never = tab;
        return unknownTab;
      }
    }
  })();

  return (
    <section className="review-page">
      <h1>{t('pages.review')}</h1>
      <nav aria-label={t('review.tabs.label')} className="subnav">
        <ul>
          {tabs.map((entry) => (
            <li key={entry}>
              <Link to={entry === 'queue' ? '/review' : `/review/${entry}`} current={entry === tab}>
                {t(`review.tabs.${entry}`)}
              </Link>
            </li>
          ))}
        </ul>
        {ownSite === null ? (
          <label className="site-choice">
            {t('review.site')}
            <select value={chosenSite ?? ''} onChange={(event) => setChosenSite(event.target.value === '' ? null : event.target.value)}>
              <option value="">{t('everySite')}</option>
              {(sites.data?.sites ?? []).map((site) => (
                <option key={site.siteId} value={site.siteId}>
                  {site.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </nav>
      {body}
    </section>
  );
}
