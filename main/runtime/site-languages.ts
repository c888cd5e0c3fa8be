// The languages the site offers and the one the device starts in: the hub's, once it has sent them with the site's
// rules; until then the site file's, so a device that has never synced still speaks its residents' languages
// (docs/languages.md). Read at each use, so a pull that changes them takes effect without a restart.
import type { KioskConfig } from '../../kiosk-config/schema';
import type { SiteLanguages } from '../../rules/language';
import type { ReplicaQueries } from '../store/replica';

export type SiteLanguageSource = () => SiteLanguages;

export function siteLanguageSource(config: Pick<KioskConfig, 'languages'>, replica: Pick<ReplicaQueries, 'siteLanguages'>): SiteLanguageSource {
  return () => replica.siteLanguages() ?? config.languages;
}
