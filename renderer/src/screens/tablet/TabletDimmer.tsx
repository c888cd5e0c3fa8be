// A tablet's idle warning (issue 8): the screen dims before it locks; any touch brings it back. The screens under it are
// inert meanwhile, so the first touch only wakes the tablet and presses nothing.
import { useTranslation } from 'react-i18next';

export function TabletDimmer({ onWake }: { onWake(): void }) {
  const { t } = useTranslation();
  return (
    <button type="button" className="tablet-dimmer" data-testid="tablet-dimmed" onClick={onWake}>
      <span className="tablet-dimmer__text">{t('tabletLock.dimmed')}</span>
    </button>
  );
}
