import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceSectionProps } from './serviceSection';
import { useServiceCall } from './useServiceCall';

/** The site file as the device understood it, defaults filled in: what is really in force, not what someone meant. */
export function SiteConfigSection({ api }: ServiceSectionProps) {
  const { t } = useTranslation();
  const load = useCallback(() => api.call('service.overview', {}), [api]);
  const { value: overview, failure } = useServiceCall(load);
  return (
    <section className="service-section" data-testid="service-site-config" aria-labelledby="service-config-title">
      <h2 id="service-config-title" className="service-section__title">
        {t('service.sections.siteConfig')}
      </h2>
      <p className="screen__hint">{t('service.siteConfig.hint')}</p>
      {failure !== null ? <p className="notice notice--problem">{t(`errors.${failure}`)}</p> : null}
      {/* The site file scrolls inside its box: in the Tab order so staff with a keyboard can scroll it (axe: scrollable-region-focusable). */}
      {overview === null ? null : (
        <pre className="site-config" tabIndex={0}>
          {overview.siteConfig}
        </pre>
      )}
    </section>
  );
}
