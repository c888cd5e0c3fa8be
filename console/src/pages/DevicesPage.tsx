// Devices (issue 17): IT's view of the fleet. Counts at the top, the devices trouble first — each problem in words
// beside its severity in words, never colour alone — a page of a hundred at a time, one device's detail with what can
// be done to it, and the enrollment code shown large enough to read across a room.
import { useCallback, useEffect, useState, type FormEvent, type ReactElement } from 'react';
import { consoleGet, consolePost, ConsoleError } from '../api';
import {
  AuditVerdict,
  DeviceDetailResponse,
  EnrollmentCodeResponse,
  FleetResponse,
  HousingUnitsResponse,
  type FleetDevice,
  type Trouble,
} from '../../../hub/console/api/schemas/devices';

type Severity = Trouble['severity'];

const severityWords: Record<Severity, string> = { critical: 'Critical', warning: 'Warning', notice: 'Notice' };
/** A mark beside the word, so the severity reads without colour and at a glance. */
const severityMark: Record<Severity, string> = { critical: '■', warning: '▲', notice: '●' };

const sessionWords: Record<NonNullable<FleetDevice['session']>, string> = {
  idle: 'Idle',
  signingIn: 'Someone is signing in',
  signedIn: 'A person is signed in',
  serviceMode: 'Service mode',
  tabletLocked: 'Tablet locked',
  syncLocked: 'Locked until it syncs',
  pinLockedOut: 'PIN pad locked out',
  revoked: 'Shows enrollment (revoked)',
};

/** How long ago, against the hub's clock (serverTime), never the browser's. */
export function agoInWords(at: number | null, serverTime: number): string {
  if (at === null) return 'never';
  const minutes = Math.max(0, Math.floor((serverTime - at) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

function bytesInWords(bytes: number | null): string {
  if (bytes === null) return 'unknown';
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

function whereInWords(device: FleetDevice): string {
  if (device.kind === 'kiosk') return device.unitName === null ? 'Kiosk' : `Kiosk, ${device.unitName}`;
  return device.assignee === null ? 'Tablet, not assigned' : `Tablet of ${device.assignee.displayName} (${device.assignee.bookingNumber})`;
}

function SeverityLabel({ worst }: { worst: Severity | null }): ReactElement {
  if (worst === null)
    return (
      <span className="severity severity-ok" data-severity="ok">
        ✓ OK
      </span>
    );
  return (
    <span className={`severity severity-${worst}`} data-severity={worst}>
      {severityMark[worst]} {severityWords[worst]}
    </span>
  );
}

function Troubles({ troubles }: { troubles: readonly Trouble[] }): ReactElement {
  if (troubles.length === 0) return <span className="muted">No problems</span>;
  return (
    <ul className="troubles">
      {troubles.map((trouble) => (
        <li key={`${trouble.kind}:${trouble.message}`} data-trouble={trouble.kind}>
          <span className="visually-hidden">{severityWords[trouble.severity]}: </span>
          {trouble.message}
        </li>
      ))}
    </ul>
  );
}

function errorText(error: unknown): string {
  return error instanceof ConsoleError ? error.message : 'The hub could not be reached. Try again.';
}

function EnrollmentCode(): ReactElement {
  const [units, setUnits] = useState<HousingUnitsResponse['units'] | null>(null);
  const [kind, setKind] = useState<'kiosk' | 'tablet'>('kiosk');
  const [unitId, setUnitId] = useState('');
  const [issued, setIssued] = useState<EnrollmentCodeResponse | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    consoleGet('/console/api/devices/housing-units', HousingUnitsResponse).then(
      (answer) => {
        setUnits(answer.units);
        setUnitId(answer.units[0]?.housingUnitId ?? '');
      },
      (error: unknown) => setProblem(errorText(error)),
    );
  }, []);

  const issue = (event: FormEvent): void => {
    event.preventDefault();
    setProblem(null);
    const body = kind === 'kiosk' ? { kind, housingUnitId: unitId } : { kind };
    consolePost('/console/api/devices/enrollment-codes', body, EnrollmentCodeResponse).then(setIssued, (error: unknown) => setProblem(errorText(error)));
  };

  if (issued !== null) {
    return (
      <section className="enrollment-code" aria-labelledby="enrollment-code-title">
        <h2 id="enrollment-code-title">
          Enrollment code for a {issued.kind}
          {issued.unitName === null ? '' : ` in ${issued.unitName}`}
        </h2>
        <p className="enrollment-code-value" data-testid="enrollment-code">
          {issued.code}
        </p>
        <p>Type it on the device’s enrollment screen. It works once, until {new Date(issued.expiresAt).toLocaleTimeString('en-US', { timeStyle: 'short' })}.</p>
        <button type="button" onClick={() => setIssued(null)}>
          Done
        </button>
      </section>
    );
  }
  return (
    <form className="enrollment-form" onSubmit={issue} aria-label="Issue an enrollment code">
      <fieldset>
        <legend>Enroll a device</legend>
        <label>
          <input type="radio" name="kind" checked={kind === 'kiosk'} onChange={() => setKind('kiosk')} /> Wall kiosk
        </label>
        <label>
          <input type="radio" name="kind" checked={kind === 'tablet'} onChange={() => setKind('tablet')} /> Tablet
        </label>
        {kind === 'kiosk' && (
          <label>
            Housing unit{' '}
            <select value={unitId} onChange={(event) => setUnitId(event.target.value)} disabled={units === null}>
              {(units ?? []).map((unit) => (
                <option key={unit.housingUnitId} value={unit.housingUnitId}>
                  {unit.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" disabled={kind === 'kiosk' && unitId === ''}>
          Issue enrollment code
        </button>
      </fieldset>
      {problem !== null && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
    </form>
  );
}

function DeviceDetail({ deviceId, onClose, onChanged }: { deviceId: string; onClose: () => void; onChanged: () => void }): ReactElement {
  const [detail, setDetail] = useState<DeviceDetailResponse | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [verdict, setVerdict] = useState<AuditVerdict | null>(null);
  const [bookingNumber, setBookingNumber] = useState('');
  const [revoking, setRevoking] = useState(false);
  const [reason, setReason] = useState<'lost' | 'retired'>('retired');
  const [wipe, setWipe] = useState(false);
  const [confirmName, setConfirmName] = useState('');

  useEffect(() => {
    consoleGet(`/console/api/devices/${encodeURIComponent(deviceId)}`, DeviceDetailResponse).then(setDetail, (error: unknown) => setProblem(errorText(error)));
  }, [deviceId]);

  const act = (path: string, body: unknown): void => {
    setProblem(null);
    consolePost(`/console/api/devices/${encodeURIComponent(deviceId)}/${path}`, body, DeviceDetailResponse).then(
      (updated) => {
        setDetail(updated);
        setRevoking(false);
        setBookingNumber('');
        onChanged();
      },
      (error: unknown) => setProblem(errorText(error)),
    );
  };
  const checkAudit = (): void => {
    setVerdict(null);
    consolePost(`/console/api/devices/${encodeURIComponent(deviceId)}/audit-check`, {}, AuditVerdict).then(setVerdict, (error: unknown) =>
      setProblem(errorText(error)),
    );
  };

  if (detail === null) return <section className="device-detail">{problem ?? 'Loading…'}</section>;
  const report = detail.report;
  return (
    <section className="device-detail" aria-labelledby="device-detail-title">
      <header>
        <h2 id="device-detail-title">{detail.deviceName}</h2>
        <button type="button" onClick={onClose}>
          Back to the fleet
        </button>
      </header>
      <p>
        <SeverityLabel worst={detail.worst} /> {whereInWords(detail)}
      </p>
      <Troubles troubles={detail.troubles} />
      <dl className="facts">
        <dt>Last seen by the hub</dt>
        <dd>{agoInWords(detail.lastSeenAt, detail.serverTime)}</dd>
        <dt>Version</dt>
        <dd>{detail.appVersion}</dd>
        <dt>Session</dt>
        <dd>{detail.session === null ? 'unknown' : sessionWords[detail.session]}</dd>
        <dt>Sync</dt>
        <dd>
          {detail.syncLag === null
            ? 'Has not pulled yet'
            : detail.syncLag.waitingChanges === 0
              ? 'Up to date at its last pull'
              : `${detail.syncLag.capped ? 'More than ' : ''}${detail.syncLag.waitingChanges} changes waiting for it`}
        </dd>
        {report !== null && (
          <>
            <dt>Waiting to reach the hub</dt>
            <dd>
              {report.outbox.pending === 0
                ? 'Nothing'
                : `${report.outbox.pending} actions, the oldest for ${Math.round((report.outbox.oldestPendingAgeMs ?? 0) / 60_000)} min`}
            </dd>
            <dt>Storage</dt>
            <dd>
              {bytesInWords(report.storage.freeBytes)} free; the store takes {bytesInWords(report.storage.storeBytes)}
            </dd>
            <dt>Battery</dt>
            <dd>{report.battery === null ? 'None' : `${report.battery.percent}%, ${report.battery.charging ? 'charging' : 'not charging'}`}</dd>
            <dt>Clock</dt>
            <dd>
              {detail.clockBehindMs === null || Math.abs(detail.clockBehindMs) < 60_000
                ? 'Agrees with the hub'
                : `${Math.round(Math.abs(detail.clockBehindMs) / 60_000)} min ${detail.clockBehindMs > 0 ? 'behind' : 'ahead of'} the hub`}
            </dd>
            <dt>Readers</dt>
            <dd>
              {report.readers.length === 0 ? (
                'None'
              ) : (
                <ul>
                  {report.readers.map((reader) => (
                    <li key={reader.readerId}>
                      {reader.readerId} ({reader.kind}): {reader.state}
                      {reader.lastEventAt === null ? '' : `, last used ${agoInWords(reader.lastEventAt, detail.serverTime)}`}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </>
        )}
      </dl>

      <div className="actions">
        <button type="button" onClick={checkAudit}>
          Check its audit chain
        </button>
        {verdict !== null && (
          <p role="status" data-testid="device-audit-verdict">
            {verdict.intact ? '✓ ' : '✗ '}
            {verdict.sentence}
            {verdict.setAside === null ? '' : ` ${verdict.setAside}`}
          </p>
        )}
      </div>

      {detail.kind === 'tablet' && detail.revokedAt === null && (
        <div className="actions">
          {detail.assignee === null ? (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                act('assign', { bookingNumber });
              }}
            >
              <label>
                Give it to the resident with booking number <input value={bookingNumber} onChange={(event) => setBookingNumber(event.target.value)} />
              </label>
              <button type="submit">Assign</button>
            </form>
          ) : (
            <button type="button" onClick={() => act('release', {})}>
              Take it back from {detail.assignee.displayName}
            </button>
          )}
        </div>
      )}

      {detail.revokedAt === null && !revoking && (
        <div className="actions">
          <button type="button" className="danger" onClick={() => setRevoking(true)}>
            Revoke this device…
          </button>
        </div>
      )}
      {revoking && (
        <form
          className="revoke"
          aria-label="Revoke the device"
          onSubmit={(event) => {
            event.preventDefault();
            act('revoke', { reason, wipe, confirmDeviceName: confirmName });
          }}
        >
          <fieldset>
            <legend>Revoke {detail.deviceName}: its credential will open nothing at the hub</legend>
            <label>
              <input type="radio" name="reason" checked={reason === 'retired'} onChange={() => setReason('retired')} /> Retired
            </label>
            <label>
              <input type="radio" name="reason" checked={reason === 'lost'} onChange={() => setReason('lost')} /> Lost
            </label>
            <label>
              <input type="checkbox" checked={wipe} onChange={(event) => setWipe(event.target.checked)} /> Wipe it if it ever reaches the hub again
            </label>
            <label>
              To confirm, type its name ({detail.deviceName}) <input value={confirmName} onChange={(event) => setConfirmName(event.target.value)} />
            </label>
            <button type="submit" className="danger" disabled={confirmName.trim() !== detail.deviceName}>
              Revoke
            </button>
            <button type="button" onClick={() => setRevoking(false)}>
              Cancel
            </button>
          </fieldset>
        </form>
      )}
      {problem !== null && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
    </section>
  );
}

export function DevicesPage(): ReactElement {
  const [fleet, setFleet] = useState<FleetResponse | null>(null);
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const [enrolling, setEnrolling] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const load = useCallback(() => {
    consoleGet(`/console/api/devices?offset=${offset}`, FleetResponse).then(
      (answer) => {
        setFleet(answer);
        setProblem(null);
      },
      (error: unknown) => setProblem(errorText(error)),
    );
  }, [offset]);
  useEffect(load, [load]);

  if (selected !== null) {
    return <DeviceDetail deviceId={selected} onClose={() => setSelected(null)} onChanged={load} />;
  }
  return (
    <div className="devices-page">
      {fleet !== null && (
        <ul className="counts" aria-label="The fleet at a glance">
          <li data-count="inService">
            <strong>{fleet.counts.inService}</strong> in service
          </li>
          <li data-count="inTrouble">
            <strong>{fleet.counts.inTrouble}</strong> in trouble
          </li>
          <li data-count="notSeen">
            <strong>{fleet.counts.notSeen}</strong> not seen for 15 minutes
          </li>
          <li data-count="revoked">
            <strong>{fleet.counts.revoked}</strong> revoked
          </li>
        </ul>
      )}
      <div className="actions">
        <button type="button" onClick={() => setEnrolling(!enrolling)}>
          {enrolling ? 'Close enrollment' : 'Enroll a device'}
        </button>
        <button type="button" onClick={load}>
          Refresh
        </button>
      </div>
      {enrolling && <EnrollmentCode />}
      {problem !== null && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      {fleet !== null && (
        <>
          <table className="fleet">
            <caption>Devices, trouble first</caption>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Device</th>
                <th scope="col">Where</th>
                <th scope="col">Problems</th>
                <th scope="col">Last seen</th>
                <th scope="col">Version</th>
              </tr>
            </thead>
            <tbody>
              {fleet.devices.map((device) => (
                <tr key={device.deviceId} data-device={device.deviceName}>
                  <td>
                    <SeverityLabel worst={device.worst} />
                  </td>
                  <td>
                    <button type="button" className="link" onClick={() => setSelected(device.deviceId)}>
                      {device.deviceName}
                    </button>
                  </td>
                  <td>{whereInWords(device)}</td>
                  <td>
                    <Troubles troubles={device.troubles} />
                  </td>
                  <td>{agoInWords(device.lastSeenAt, fleet.serverTime)}</td>
                  <td>{device.appVersion}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {fleet.total > fleet.limit && (
            <nav className="pages" aria-label="Pages of devices">
              <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - fleet.limit))}>
                Previous
              </button>
              <span>
                {offset + 1}–{Math.min(fleet.total, offset + fleet.limit)} of {fleet.total}
              </span>
              <button type="button" disabled={offset + fleet.limit >= fleet.total} onClick={() => setOffset(offset + fleet.limit)}>
                Next
              </button>
            </nav>
          )}
        </>
      )}
    </div>
  );
}
