// Service mode: what a staff member sees after their badge and PIN. One section at a time, picked from a row of large
// buttons; sign-out (always in the header) and the idle rule, in the runtime, end it like any session.
import { useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanguageCode, StaffSummary } from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';
import { ScreenFrame } from '../../frame/ScreenFrame';
import { useIsolated } from '../../i18n/bidi';
import { DeviceActionsSection } from './DeviceActionsSection';
import { LogsSection } from './LogsSection';
import { OverviewSection } from './OverviewSection';
import { ReadersSection } from './ReadersSection';
import type { ServiceSectionProps } from './serviceSection';
import { SiteConfigSection } from './SiteConfigSection';
import { SyncSection } from './SyncSection';
import { TabletSection } from './TabletSection';

type SectionId = 'overview' | 'readers' | 'sync' | 'tablet' | 'logs' | 'siteConfig' | 'deviceActions';

/**
 * The sections, in the order their buttons appear; each is titled by service.sections.<id>. A new section is one
 * import and one entry here. Device actions (enroll again, wipe) are DeviceActionsSection.tsx; a tablet's assignment is
 * TabletSection.tsx (on a kiosk it says that only tablets are assigned).
 */
const serviceSections: ReadonlyArray<{ id: SectionId; Section: ComponentType<ServiceSectionProps> }> = [
  { id: 'overview', Section: OverviewSection },
  { id: 'readers', Section: ReadersSection },
  { id: 'sync', Section: SyncSection },
  { id: 'tablet', Section: TabletSection },
  { id: 'logs', Section: LogsSection },
  { id: 'siteConfig', Section: SiteConfigSection },
  { id: 'deviceActions', Section: DeviceActionsSection },
];

interface ServiceScreenProps {
  api: DeviceClient;
  staff: StaffSummary;
  language: LanguageCode;
  onSignOut(): void;
}

export function ServiceScreen({ api, staff, language, onSignOut }: ServiceScreenProps) {
  const { t } = useTranslation();
  const isolated = useIsolated();
  const [shown, setShown] = useState<SectionId>('overview');
  const current = serviceSections.find((section) => section.id === shown) ?? serviceSections[0];
  return (
    <ScreenFrame
      screen="service"
      dataAttributes={{ 'data-section': shown }}
      title={t('service.title')}
      // The name is a text node: shown, never interpreted, in its own direction.
      subtitle={<span data-testid="service-staff">{t('service.signedInAs', { name: isolated(staff.displayName) })}</span>}
      navigation={
        <div className="service-nav" role="group" aria-label={t('service.sectionsLabel')}>
          {serviceSections.map(({ id }) => (
            <button
              key={id}
              type="button"
              className="toggle-button service-nav__button"
              aria-pressed={id === shown}
              onClick={() => setShown(id)}
              data-testid={`service-nav-${id}`}
            >
              {t(`service.sections.${id}`)}
            </button>
          ))}
        </div>
      }
      // Leaving is always in reach, however long the section: staff must never have to hunt for it.
      actions={
        <button type="button" className="button button--primary button--wide" onClick={onSignOut} data-testid="service-sign-out">
          {t('service.signOut')}
        </button>
      }
    >
      {current === undefined ? null : <current.Section api={api} language={language} />}
    </ScreenFrame>
  );
}
