// Audit (issue 17): the hub's audit chain and every device's, walked from the first entry on demand, with what was
// found in words — intact, or where a chain broke and how.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AuditCheckResponse, type AuditVerdict } from '../../../hub/console/api/schemas/devices';
import { ConsoleError, consolePost } from '../api';
import { ErrorNotice } from '../ErrorNotice';
import type { ConsolePageProps } from '../pages';
import './devices.css';

function Verdict({ verdict }: { verdict: AuditVerdict }) {
  const { t } = useTranslation();
  return (
    <li data-chain={verdict.subject} data-intact={verdict.intact}>
      <span className={`severity ${verdict.intact ? 'severity-ok' : 'severity-critical'}`}>
        <span aria-hidden="true">{verdict.intact ? '✓' : '✗'}</span> {verdict.intact ? t('audit.intact') : t('audit.notIntact')}
      </span>{' '}
      <strong>{verdict.subject}</strong>: {verdict.sentence}
      {verdict.setAside === null ? '' : ` ${verdict.setAside}`}
    </li>
  );
}

export function AuditPage(_props: ConsolePageProps) {
  const { t } = useTranslation();
  const [result, setResult] = useState<AuditCheckResponse | null>(null);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<ConsoleError | null>(null);

  const check = () => {
    setChecking(true);
    setError(null);
    consolePost('/audit/check', {}, AuditCheckResponse)
      .then(setResult, (failure: unknown) => setError(failure instanceof ConsoleError ? failure : new ConsoleError('internal', String(failure), 0)))
      .finally(() => setChecking(false));
  };

  return (
    <section>
      <h1>{t('pages.audit')}</h1>
      <p>{t('audit.intro')}</p>
      <button type="button" className="button-primary" onClick={check} disabled={checking}>
        {checking ? t('audit.checking') : t('audit.check')}
      </button>
      <ErrorNotice error={error} />
      {result !== null && (
        <section aria-labelledby="audit-result">
          <h2 id="audit-result">{t('audit.result')}</h2>
          <p role="status" className={`notice ${result.allIntact ? 'notice-success' : 'notice-error'}`} data-testid="audit-summary">
            {result.allIntact ? t('audit.allIntact') : t('audit.somethingWrong')}
          </p>
          <ul className="verdicts">
            <Verdict verdict={result.hub} />
            {result.devices.map((verdict) => (
              <Verdict key={verdict.deviceId ?? verdict.subject} verdict={verdict} />
            ))}
          </ul>
          {result.devices.length === 0 && <p>{t('audit.noDevices')}</p>}
        </section>
      )}
    </section>
  );
}
