import { useTranslation } from 'react-i18next';
import type { DeviceErrorCode } from '../../../main/contract';

/** A call that failed, in words; the code itself is never shown. */
export function CallErrorNotice({ code }: { code: DeviceErrorCode | null }) {
  const { t } = useTranslation();
  return (
    <div className="call-error" role="alert" data-testid="call-error">
      {code === null ? null : <p className="notice notice--problem">{t(`errors.${code}`)}</p>}
    </div>
  );
}
