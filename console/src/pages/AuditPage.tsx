// Audit (issue 17): the hub's audit chain and every device's, checked from the first entry on demand, with what was
// found in words — intact, or where a chain broke and how.
import { useState, type ReactElement } from 'react';
import { consolePost, ConsoleError } from '../api';
import { AuditCheckResponse, type AuditVerdict } from '../../../hub/console/api/schemas/devices';

function Verdict({ verdict }: { verdict: AuditVerdict }): ReactElement {
  return (
    <li data-chain={verdict.subject} data-intact={verdict.intact}>
      <strong>
        {verdict.intact ? '✓ Intact' : '✗ Not intact'} — {verdict.subject}
      </strong>
      : {verdict.sentence}
      {verdict.setAside === null ? '' : ` ${verdict.setAside}`}
    </li>
  );
}

export function AuditPage(): ReactElement {
  const [result, setResult] = useState<AuditCheckResponse | null>(null);
  const [checking, setChecking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const check = (): void => {
    setChecking(true);
    setProblem(null);
    consolePost('/console/api/audit/check', {}, AuditCheckResponse)
      .then(setResult, (error: unknown) => setProblem(error instanceof ConsoleError ? error.message : 'The hub could not be reached. Try again.'))
      .finally(() => setChecking(false));
  };

  return (
    <div className="audit-page">
      <p>
        Every action on the hub and on each device is kept on a hash chain. The check walks each chain from its first entry and names the first broken link.
      </p>
      <button type="button" onClick={check} disabled={checking}>
        {checking ? 'Checking…' : 'Check every audit chain'}
      </button>
      {problem !== null && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      {result !== null && (
        <section aria-label="Audit check result">
          <p role="status" data-testid="audit-summary">
            {result.allIntact ? '✓ Every chain is intact.' : '✗ Something is wrong: see the chains marked “Not intact”.'}
          </p>
          <ul className="verdicts">
            <Verdict verdict={result.hub} />
            {result.devices.map((verdict) => (
              <Verdict key={verdict.deviceId ?? verdict.subject} verdict={verdict} />
            ))}
          </ul>
          {result.devices.length === 0 && <p>No device has sent an audit entry yet.</p>}
        </section>
      )}
    </div>
  );
}
