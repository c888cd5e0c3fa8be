// Devices (issue 17): IT's view of the fleet. Counts at the top; the devices trouble first, each problem in the hub's
// words beside its severity in words and a mark — never colour alone — a hundred to a page; one device's detail at
// /devices/<id> with what can be done to it; and the enrollment code shown large enough to read across a room.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import {
  AuditVerdict,
  DeviceDetailResponse,
  EnrollmentCodeResponse,
  FleetResponse,
  HousingUnitsResponse,
  type FleetDevice,
  type Trouble,
} from '../../../hub/console/api/schemas/devices';
import { ConsoleError, consoleGet, consolePost, queryString } from '../api';
import { ErrorNotice } from '../ErrorNotice';
import { Link } from '../Link';
import type { ConsolePageProps } from '../pages';
import { useLocation } from '../router';
import { useLoad } from '../useLoad';
import './devices.css';
import { useFormat } from '../format';

type Severity = Trouble['severity'];

/** A mark beside the word, so the severity reads at a glance and without colour. */
const severityMark: Record<Severity | 'ok', string> = { critical: '■', warning: '▲', notice: '●', ok: '✓' };

const asConsoleError = (failure: unknown): ConsoleError => (failure instanceof ConsoleError ? failure : new ConsoleError('internal', String(failure), 0));

/** How long ago, against the hub's clock (serverTime), never the browser's. */
function ago(at: number | null, serverTime: number, t: TFunction): string {
  if (at === null) return t('devices.never');
  const minutes = Math.max(0, Math.floor((serverTime - at) / 60_000));
  if (minutes < 1) return t('devices.justNow');
  if (minutes < 60) return t('devices.minutesAgo', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('devices.hoursAgo', { hours, minutes: minutes % 60 });
  return t('devices.daysAgo', { count: Math.floor(hours / 24) });
}

function bytes(value: number | null, t: TFunction): string {
  if (value === null) return t('devices.unknown');
  if (value >= 1e9) return `${(value / 1e9).toFixed(1)} GB`;
  if (value >= 1e6) return `${Math.round(value / 1e6)} MB`;
  return `${Math.round(value / 1e3)} kB`;
}

function where(device: FleetDevice, t: TFunction): string {
  if (device.kind === 'kiosk') return device.unitName === null ? t('devices.kiosk') : t('devices.kioskIn', { unit: device.unitName });
  return device.assignee === null
    ? t('devices.tabletUnassigned')
    : t('devices.tabletOf', { name: device.assignee.displayName, bookingNumber: device.assignee.bookingNumber });
}

function SeverityLabel({ worst }: { worst: Severity | null }) {
  const { t } = useTranslation();
  const severity = worst ?? 'ok';
  return (
    <span className={`severity severity-${severity}`} data-severity={severity}>
      <span aria-hidden="true">{severityMark[severity]}</span> {t(`devices.severity.${severity}`)}
    </span>
  );
}

function Troubles({ troubles }: { troubles: readonly Trouble[] }) {
  const { t } = useTranslation();
  if (troubles.length === 0) return <span className="muted">{t('devices.noProblems')}</span>;
  return (
    <ul className="troubles">
      {troubles.map((trouble) => (
        <li key={`${trouble.kind}:${trouble.message}`} data-trouble={trouble.kind}>
          {trouble.message}
        </li>
      ))}
    </ul>
  );
}

function EnrollmentCode() {
  const { t } = useTranslation();
  const format = useFormat();
  const units = useLoad(() => consoleGet('/devices/housing-units', HousingUnitsResponse), []);
  const [kind, setKind] = useState<'kiosk' | 'tablet'>('kiosk');
  const [chosenUnit, setChosenUnit] = useState('');
  const [issued, setIssued] = useState<EnrollmentCodeResponse | null>(null);
  const [error, setError] = useState<ConsoleError | null>(null);
  const unitId = chosenUnit === '' ? (units.data?.units[0]?.housingUnitId ?? '') : chosenUnit;

  const issue = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    consolePost('/devices/enrollment-codes', kind === 'kiosk' ? { kind, housingUnitId: unitId } : { kind }, EnrollmentCodeResponse).then(
      setIssued,
      (failure: unknown) => setError(asConsoleError(failure)),
    );
  };

  if (issued !== null) {
    return (
      <section className="card enrollment-code" aria-labelledby="enrollment-code-title">
        <h2 id="enrollment-code-title">{issued.unitName === null ? t('devices.codeForTablet') : t('devices.codeForKiosk', { unit: issued.unitName })}</h2>
        <p className="enrollment-code-value" data-testid="enrollment-code" aria-label={t('devices.codeLabel')}>
          {issued.code}
        </p>
        <p>{t('devices.codeHow', { time: format.time(issued.expiresAt) })}</p>
        <button type="button" onClick={() => setIssued(null)}>
          {t('devices.codeDone')}
        </button>
      </section>
    );
  }
  return (
    <form className="card form-grid" onSubmit={issue} aria-labelledby="enroll-title">
      <h2 id="enroll-title">{t('devices.enroll')}</h2>
      <ErrorNotice error={error ?? units.error} />
      <fieldset className="choices">
        <legend>{t('devices.kindQuestion')}</legend>
        <label>
          <input type="radio" name="kind" checked={kind === 'kiosk'} onChange={() => setKind('kiosk')} /> {t('devices.wallKiosk')}
        </label>
        <label>
          <input type="radio" name="kind" checked={kind === 'tablet'} onChange={() => setKind('tablet')} /> {t('devices.tablet')}
        </label>
      </fieldset>
      {kind === 'kiosk' && (
        <label>
          {t('devices.unit')}
          <select value={unitId} onChange={(event) => setChosenUnit(event.target.value)}>
            {(units.data?.units ?? []).map((unit) => (
              <option key={unit.housingUnitId} value={unit.housingUnitId}>
                {unit.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit" className="button-primary" disabled={kind === 'kiosk' && unitId === ''}>
        {t('devices.issueCode')}
      </button>
    </form>
  );
}

function DeviceDetail({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const loaded = useLoad(() => consoleGet(`/devices/${encodeURIComponent(deviceId)}`, DeviceDetailResponse), [deviceId]);
  const [updated, setUpdated] = useState<DeviceDetailResponse | null>(null);
  const [error, setError] = useState<ConsoleError | null>(null);
  const [verdict, setVerdict] = useState<AuditVerdict | null>(null);
  const [bookingNumber, setBookingNumber] = useState('');
  const [revoking, setRevoking] = useState(false);
  const [reason, setReason] = useState<'lost' | 'retired'>('retired');
  const [wipe, setWipe] = useState(false);
  const [confirmName, setConfirmName] = useState('');
  const detail = updated ?? loaded.data;

  const act = (action: 'assign' | 'release' | 'revoke', body: unknown) => {
    setError(null);
    consolePost(`/devices/${encodeURIComponent(deviceId)}/${action}`, body, DeviceDetailResponse).then(
      (answer) => {
        setUpdated(answer);
        setRevoking(false);
        setBookingNumber('');
      },
      (failure: unknown) => setError(asConsoleError(failure)),
    );
  };
  const checkAudit = () => {
    setVerdict(null);
    consolePost(`/devices/${encodeURIComponent(deviceId)}/audit-check`, {}, AuditVerdict).then(setVerdict, (failure: unknown) =>
      setError(asConsoleError(failure)),
    );
  };

  if (detail === null)
    return (
      <section>
        <Link to="/devices">{t('devices.backToFleet')}</Link>
        <ErrorNotice error={loaded.error} />
        {loaded.error === null && <p className="loading">{t('loading')}</p>}
      </section>
    );
  const report = detail.report;
  return (
    <section className="device-detail" aria-labelledby="device-title">
      <Link to="/devices">{t('devices.backToFleet')}</Link>
      <h1 id="device-title">{detail.deviceName}</h1>
      <p className="device-summary">
        <SeverityLabel worst={detail.worst} /> · {where(detail, t)} · {t('devices.lastSeen')}: {ago(detail.lastSeenAt, detail.serverTime, t)}
      </p>
      <ErrorNotice error={error} />
      <Troubles troubles={detail.troubles} />
      <dl className="facts">
        <dt>{t('devices.version')}</dt>
        <dd>{detail.appVersion}</dd>
        <dt>{t('devices.session')}</dt>
        <dd>{detail.session === null ? t('devices.unknown') : t(`devices.sessionState.${detail.session}`)}</dd>
        <dt>{t('devices.sync')}</dt>
        <dd>
          {detail.syncLag === null
            ? t('devices.neverPulled')
            : detail.syncLag.waitingChanges === 0
              ? t('devices.upToDate')
              : t(detail.syncLag.capped ? 'devices.waitingMore' : 'devices.waiting', { count: detail.syncLag.waitingChanges })}
        </dd>
        {report !== null && (
          <>
            <dt>{t('devices.outbox')}</dt>
            <dd>
              {report.outbox.pending === 0
                ? t('devices.outboxEmpty')
                : t('devices.outboxWaiting', { count: report.outbox.pending, minutes: Math.round((report.outbox.oldestPendingAgeMs ?? 0) / 60_000) })}
            </dd>
            <dt>{t('devices.storage')}</dt>
            <dd>{t('devices.storageFree', { free: bytes(report.storage.freeBytes, t), store: bytes(report.storage.storeBytes, t) })}</dd>
            <dt>{t('devices.battery')}</dt>
            <dd>
              {report.battery === null
                ? t('devices.noBattery')
                : t(report.battery.charging ? 'devices.batteryCharging' : 'devices.batteryDraining', { percent: report.battery.percent })}
            </dd>
            <dt>{t('devices.clock')}</dt>
            <dd>
              {detail.clockBehindMs === null || Math.abs(detail.clockBehindMs) < 60_000
                ? t('devices.clockAgrees')
                : t(detail.clockBehindMs > 0 ? 'devices.clockBehind' : 'devices.clockAhead', { minutes: Math.round(Math.abs(detail.clockBehindMs) / 60_000) })}
            </dd>
            <dt>{t('devices.readers')}</dt>
            <dd>
              {report.readers.length === 0 ? (
                t('devices.noReaders')
              ) : (
                <ul className="plain">
                  {report.readers.map((reader) => (
                    <li key={reader.readerId}>
                      {t('devices.reader', { id: reader.readerId, kind: reader.kind, state: t(`devices.readerState.${reader.state}`) })}
                      {reader.lastEventAt === null ? '' : ` · ${t('devices.lastUsed', { when: ago(reader.lastEventAt, detail.serverTime, t) })}`}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </>
        )}
      </dl>

      <div className="card">
        <button type="button" onClick={checkAudit}>
          {t('devices.checkAudit')}
        </button>
        {verdict !== null && (
          <p role="status" className={`notice ${verdict.intact ? 'notice-success' : 'notice-error'}`} data-testid="device-audit-verdict">
            {verdict.intact ? '✓ ' : '✗ '}
            {verdict.sentence}
            {verdict.setAside === null ? '' : ` ${verdict.setAside}`}
          </p>
        )}
      </div>

      {detail.kind === 'tablet' && detail.revokedAt === null && (
        <div className="card">
          {detail.assignee === null ? (
            <form
              className="inline-form"
              onSubmit={(event) => {
                event.preventDefault();
                act('assign', { bookingNumber });
              }}
            >
              <label>
                {t('devices.assignTo')}
                <input value={bookingNumber} onChange={(event) => setBookingNumber(event.target.value)} required maxLength={64} />
              </label>
              <button type="submit">{t('devices.assign')}</button>
            </form>
          ) : (
            <button type="button" onClick={() => act('release', {})}>
              {t('devices.release', { name: detail.assignee.displayName })}
            </button>
          )}
        </div>
      )}

      {detail.revokedAt === null && !revoking && (
        <div className="card">
          <button type="button" className="button-danger" onClick={() => setRevoking(true)}>
            {t('devices.revokeStart')}
          </button>
        </div>
      )}
      {detail.revokedAt === null && revoking && (
        <form
          className="card revoke-form"
          aria-labelledby="revoke-title"
          onSubmit={(event) => {
            event.preventDefault();
            act('revoke', { reason, wipe, confirmDeviceName: confirmName });
          }}
        >
          <h2 id="revoke-title">{t('devices.revokeTitle', { name: detail.deviceName })}</h2>
          <p>{t('devices.revokeExplain')}</p>
          <fieldset className="choices">
            <legend>{t('devices.revokeWhy')}</legend>
            <label>
              <input type="radio" name="reason" checked={reason === 'retired'} onChange={() => setReason('retired')} /> {t('devices.reason.retired')}
            </label>
            <label>
              <input type="radio" name="reason" checked={reason === 'lost'} onChange={() => setReason('lost')} /> {t('devices.reason.lost')}
            </label>
          </fieldset>
          <label className="checkbox">
            <input type="checkbox" checked={wipe} onChange={(event) => setWipe(event.target.checked)} /> {t('devices.wipe')}
          </label>
          <label>
            {t('devices.confirmName', { name: detail.deviceName })}
            <input value={confirmName} onChange={(event) => setConfirmName(event.target.value)} autoComplete="off" />
          </label>
          <div className="button-row">
            <button type="submit" className="button-danger" disabled={confirmName.trim() !== detail.deviceName}>
              {t('devices.revoke')}
            </button>
            <button type="button" onClick={() => setRevoking(false)}>
              {t('devices.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function Fleet() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const offset = Math.max(0, Number.parseInt(search.get('from') ?? '0', 10) || 0);
  const fleet = useLoad(() => consoleGet(`/devices${queryString({ offset })}`, FleetResponse), [offset]);
  const [enrolling, setEnrolling] = useState(false);
  const data = fleet.data;

  return (
    <section>
      <h1>{t('pages.devices')}</h1>
      <ErrorNotice error={fleet.error} />
      {data !== null && (
        <ul className="counts" aria-label={t('devices.atAGlance')}>
          <li data-count="inService">
            <strong>{data.counts.inService}</strong> {t('devices.inService')}
          </li>
          <li data-count="inTrouble">
            <strong>{data.counts.inTrouble}</strong> {t('devices.inTrouble')}
          </li>
          <li data-count="notSeen">
            <strong>{data.counts.notSeen}</strong> {t('devices.notSeen')}
          </li>
          <li data-count="revoked">
            <strong>{data.counts.revoked}</strong> {t('devices.revoked')}
          </li>
        </ul>
      )}
      <div className="button-row">
        <button type="button" className="button-primary" onClick={() => setEnrolling(!enrolling)} aria-expanded={enrolling}>
          {t('devices.enroll')}
        </button>
        <button type="button" onClick={fleet.reload}>
          {t('devices.refresh')}
        </button>
      </div>
      {enrolling && <EnrollmentCode />}
      {data !== null && (
        <>
          <table className="table fleet">
            <caption className="visually-hidden">{t('devices.fleetCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('devices.status')}</th>
                <th scope="col">{t('devices.device')}</th>
                <th scope="col">{t('devices.where')}</th>
                <th scope="col">{t('devices.problems')}</th>
                <th scope="col">{t('devices.lastSeen')}</th>
                <th scope="col">{t('devices.version')}</th>
              </tr>
            </thead>
            <tbody>
              {data.devices.map((device) => (
                <tr key={device.deviceId} data-device={device.deviceName}>
                  <td>
                    <SeverityLabel worst={device.worst} />
                  </td>
                  <td>
                    <Link to={`/devices/${encodeURIComponent(device.deviceId)}`}>{device.deviceName}</Link>
                  </td>
                  <td>{where(device, t)}</td>
                  <td>
                    <Troubles troubles={device.troubles} />
                  </td>
                  <td>{ago(device.lastSeenAt, data.serverTime, t)}</td>
                  <td>{device.appVersion}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.devices.length === 0 && <p>{t('devices.none')}</p>}
          {data.total > data.limit && (
            <nav className="button-row" aria-label={t('devices.pages')}>
              {offset > 0 && <Link to={`/devices${queryString({ from: Math.max(0, offset - data.limit) })}`}>{t('devices.previous')}</Link>}
              <span>{t('devices.showing', { from: offset + 1, to: Math.min(data.total, offset + data.limit), total: data.total })}</span>
              {offset + data.limit < data.total && <Link to={`/devices${queryString({ from: offset + data.limit })}`}>{t('devices.next')}</Link>}
            </nav>
          )}
        </>
      )}
    </section>
  );
}

export function DevicesPage(_props: ConsolePageProps) {
  const { path } = useLocation();
  const deviceId = path.startsWith('/devices/') ? decodeURIComponent(path.slice('/devices/'.length)) : null;
  return deviceId === null || deviceId === '' ? <Fleet /> : <DeviceDetail key={deviceId} deviceId={deviceId} />;
}
