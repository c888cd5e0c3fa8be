// The visits office: one day's visits by room in the site's time zone, scheduling (a person, their approved visitor,
// a room, the day and time; every clash is refused by the hub in words naming it), cancelling with a reason the
// resident reads on their screen, and the rooms with their weekly hours.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SiteList } from '../../../hub/console/api/schemas/accounts';
import { PersonList } from '../../../hub/console/api/schemas/money';
import { ContactChoices, DayView, RoomView, VisitSetupView, VisitView, type VisitView as Visit } from '../../../hub/console/api/schemas/visits';
import { openingHoursProblems, readWeeklyHours } from '../../../rules/visit-hours';
import { ConsoleError, consoleGet, consolePost, queryString } from '../api';
import { ErrorNotice } from '../ErrorNotice';
import type { ConsolePageProps } from '../pages';
import { useLoad } from '../useLoad';
import './money.css';
import { useFormat } from '../format';

const asError = (failure: unknown): ConsoleError => (failure instanceof ConsoleError ? failure : new ConsoleError('internal', String(failure), 0));

export function VisitsPage({ session }: ConsolePageProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const sites = useLoad(() => (session.staff.siteId === null ? consoleGet('/sites', SiteList) : Promise.resolve({ sites: [] })), [session.staff.siteId]);
  const siteId = session.staff.siteId ?? sites.data?.sites[0]?.siteId ?? null;
  const siteQuery = session.staff.siteId === null && siteId !== null ? { siteId } : {};
  const setup = useLoad(() => (siteId === null ? Promise.resolve(null) : consoleGet(`/visits/setup${queryString(siteQuery)}`, VisitSetupView)), [siteId]);
  const [date, setDate] = useState<string | null>(null);
  const day = date ?? setup.data?.today ?? null;
  const dayView = useLoad(
    () => (day === null ? Promise.resolve(null) : consoleGet(`/visits/day${queryString({ ...siteQuery, date: day })}`, DayView)),
    [siteId, day],
  );
  const [cancelling, setCancelling] = useState<Visit | null>(null);

  return (
    <section className="visits-page">
      <h1>{t('pages.visits')}</h1>
      <ErrorNotice error={setup.error ?? dayView.error} />
      <div className="card form-grid">
        <label>
          {t('visits.day')}
          <input type="date" value={day ?? ''} onChange={(event) => setDate(event.target.value)} />
        </label>
        {setup.data !== null && <p>{t('visits.zone', { zone: setup.data.timeZone })}</p>}
      </div>
      {dayView.data !== null && (
        <div className="day-view" data-testid="day-view">
          <h2>{t('visits.dayTitle', { date: format.calendarDay(dayView.data.date) })}</h2>
          {dayView.data.rooms.length === 0 && <p>{t('visits.noRooms')}</p>}
          <div className="rooms">
            {dayView.data.rooms.map((room) => (
              <section key={room.roomId} className="card room" aria-labelledby={`room-${room.roomId}`} data-testid="room">
                <h3 id={`room-${room.roomId}`}>
                  {room.name} <span className="tag">{t(`visits.kinds.${room.kind}`)}</span>
                </h3>
                <p>{t('visits.openToday', { hours: room.openTodayText === 'closed' ? t('visits.closedToday') : room.openTodayText })}</p>
                <VisitList visits={(dayView.data?.visits ?? []).filter((visit) => visit.roomId === room.roomId)} onCancel={setCancelling} />
              </section>
            ))}
            {(dayView.data.visits ?? []).some((visit) => visit.roomId === null) && (
              <section className="card room" aria-labelledby="room-none">
                <h3 id="room-none">{t('visits.noRoom')}</h3>
                <VisitList visits={dayView.data.visits.filter((visit) => visit.roomId === null)} onCancel={setCancelling} />
              </section>
            )}
          </div>
        </div>
      )}
      {cancelling !== null && (
        <CancelForm
          visit={cancelling}
          onDone={() => {
            setCancelling(null);
            dayView.reload();
          }}
          onBack={() => setCancelling(null)}
        />
      )}
      {setup.data !== null && (
        <ScheduleForm
          rooms={setup.data.rooms}
          day={day ?? setup.data.today}
          onScheduled={(visit) => {
            setDate(visit.date);
            dayView.reload();
          }}
        />
      )}
      {setup.data !== null && <RoomForm siteQuery={siteQuery} onAdded={setup.reload} />}
      {setup.data !== null && (
        <TimeZoneForm
          siteQuery={siteQuery}
          current={setup.data.timeZone}
          onSaved={() => {
            setup.reload();
            dayView.reload();
          }}
        />
      )}
    </section>
  );
}

function VisitList({ visits, onCancel }: { visits: readonly Visit[]; onCancel(visit: Visit): void }) {
  const { t } = useTranslation();
  if (visits.length === 0) return <p>{t('visits.none')}</p>;
  return (
    <ul className="visit-list">
      {visits.map((visit) => (
        <li key={visit.visitId} data-testid="console-visit" data-status={visit.status}>
          <strong>{visit.timeText}</strong> {t('visits.who', { resident: visit.residentName, booking: visit.credentialId, visitor: visit.visitorName })}
          {visit.status === 'cancelled' ? (
            <p className="cancelled">
              {t('visits.cancelled')} {visit.cancellationReason === null ? '' : t('visits.reasonWas', { reason: visit.cancellationReason })}
            </p>
          ) : (
            <button type="button" onClick={() => onCancel(visit)}>
              {t('visits.cancel')}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

function CancelForm({ visit, onDone, onBack }: { visit: Visit; onDone(): void; onBack(): void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ConsoleError | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    consolePost(`/visits/${encodeURIComponent(visit.visitId)}/cancel`, { reason }, VisitView).then(onDone, (failure: unknown) => setError(asError(failure)));
  };
  return (
    <form className="card form-grid confirm" onSubmit={submit} aria-labelledby="cancel-title">
      <h2 id="cancel-title">{t('visits.cancelTitle', { time: visit.timeText, resident: visit.residentName, visitor: visit.visitorName })}</h2>
      <label>
        {t('visits.reason')}
        <textarea value={reason} onChange={(event) => setReason(event.target.value)} maxLength={500} required rows={3} />
      </label>
      <p>{t('visits.reasonNote')}</p>
      <button type="submit" className="button-danger">
        {t('visits.confirmCancel')}
      </button>
      <button type="button" onClick={onBack}>
        {t('visits.back')}
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}

function ScheduleForm({ rooms, day, onScheduled }: { rooms: readonly RoomView[]; day: string; onScheduled(visit: { date: string }): void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [searched, setSearched] = useState('');
  const people = useLoad(
    () => (searched === '' ? Promise.resolve({ people: [] }) : consoleGet(`/visits/people${queryString({ q: searched })}`, PersonList)),
    [searched],
  );
  const [residentId, setResidentId] = useState('');
  const contacts = useLoad(
    () => (residentId === '' ? Promise.resolve(null) : consoleGet(`/visits/people/${encodeURIComponent(residentId)}/contacts`, ContactChoices)),
    [residentId],
  );
  const [contactId, setContactId] = useState('');
  const [roomId, setRoomId] = useState('');
  const [date, setDate] = useState(day);
  const [time, setTime] = useState('14:00');
  const [minutes, setMinutes] = useState('30');
  const [error, setError] = useState<ConsoleError | null>(null);
  const [done, setDone] = useState<Visit | null>(null);
  const room = rooms.find((candidate) => candidate.roomId === (roomId === '' ? rooms[0]?.roomId : roomId));
  const contact = contactId === '' ? contacts.data?.contacts[0]?.contactId : contactId;

  const find = (event: FormEvent) => {
    event.preventDefault();
    setSearched(query.trim());
  };
  const schedule = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    if (room === undefined || contact === undefined) return;
    consolePost(
      '/visits',
      { residentId, contactId: contact, roomId: room.roomId, kind: room.kind, date, time, durationMinutes: Number(minutes) },
      VisitView,
    ).then(
      (visit) => {
        setError(null);
        setDone(visit);
        onScheduled({ date });
      },
      (failure: unknown) => setError(asError(failure)),
    );
  };

  return (
    <section aria-labelledby="schedule-title">
      <h2 id="schedule-title">{t('visits.scheduleTitle')}</h2>
      <form className="card form-grid" onSubmit={find} role="search" aria-labelledby="schedule-find">
        <h3 id="schedule-find">{t('visits.findPerson')}</h3>
        <label>
          {t('visits.findLabel')}
          <input value={query} onChange={(event) => setQuery(event.target.value)} maxLength={100} required />
        </label>
        <button type="submit">{t('visits.find')}</button>
      </form>
      <ErrorNotice error={people.error} />
      {(people.data?.people ?? []).length > 0 && (
        <ul className="people-list" aria-label={t('visits.found')}>
          {(people.data?.people ?? []).map((person) => (
            <li key={person.residentId}>
              <button
                type="button"
                aria-pressed={person.residentId === residentId}
                onClick={() => {
                  setResidentId(person.residentId);
                  setContactId('');
                }}
              >
                {t('visits.personButton', { name: person.name, booking: person.credentialId })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {residentId !== '' && contacts.data !== null && (
        <form className="card form-grid" onSubmit={schedule} aria-labelledby="schedule-form">
          <h3 id="schedule-form">{t('visits.scheduleFor', { name: contacts.data.residentName })}</h3>
          {contacts.data.contacts.length === 0 ? (
            <p>{t('visits.noContacts')}</p>
          ) : (
            <label>
              {t('visits.visitor')}
              <select value={contact ?? ''} onChange={(event) => setContactId(event.target.value)}>
                {contacts.data.contacts.map((choice) => (
                  <option key={choice.contactId} value={choice.contactId}>
                    {choice.name} ({choice.relationship})
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            {t('visits.room')}
            <select value={room?.roomId ?? ''} onChange={(event) => setRoomId(event.target.value)}>
              {rooms.map((choice) => (
                <option key={choice.roomId} value={choice.roomId}>
                  {choice.name} — {t(`visits.kinds.${choice.kind}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('visits.date')}
            <input type="date" value={date} onChange={(event) => setDate(event.target.value)} required />
          </label>
          <label>
            {t('visits.time')}
            <input type="time" value={time} onChange={(event) => setTime(event.target.value)} required />
          </label>
          <label>
            {t('visits.minutes')}
            <input type="number" min={1} max={600} value={minutes} onChange={(event) => setMinutes(event.target.value)} required />
          </label>
          <button type="submit" className="button-primary" disabled={room === undefined || contact === undefined}>
            {t('visits.schedule')}
          </button>
          <ErrorNotice error={error} />
          {done !== null && (
            <p className="notice notice-success" role="status">
              {t('visits.scheduled', { time: done.timeText, date, resident: done.residentName, visitor: done.visitorName })}
            </p>
          )}
        </form>
      )}
    </section>
  );
}

function RoomForm({ siteQuery, onAdded }: { siteQuery: { siteId?: string }; onAdded(): void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'onSite' | 'remote'>('onSite');
  const [hours, setHours] = useState('mon-fri 09:00-12:00 13:00-17:00');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ConsoleError | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const read = readWeeklyHours(hours);
    if (!read.ok) return setProblem(t('visits.hoursUnreadable', { part: read.unreadable }));
    const problems = openingHoursProblems(read.hours);
    if (problems.length > 0) return setProblem(problems.join(' '));
    setProblem(null);
    consolePost('/visits/rooms', { ...siteQuery, name, kind, hours: read.hours }, RoomView).then(
      () => {
        setName('');
        setError(null);
        onAdded();
      },
      (failure: unknown) => setError(asError(failure)),
    );
  };
  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="room-title">
      <h2 id="room-title">{t('visits.newRoom')}</h2>
      <label>
        {t('visits.roomName')}
        <input value={name} onChange={(event) => setName(event.target.value)} maxLength={60} required />
      </label>
      <label>
        {t('visits.roomKind')}
        <select value={kind} onChange={(event) => setKind(event.target.value === 'remote' ? 'remote' : 'onSite')}>
          <option value="onSite">{t('visits.kinds.onSite')}</option>
          <option value="remote">{t('visits.kinds.remote')}</option>
        </select>
      </label>
      <label>
        {t('visits.hours')}
        <input value={hours} onChange={(event) => setHours(event.target.value)} maxLength={300} />
      </label>
      <p>{t('visits.hoursHelp')}</p>
      <button type="submit" className="button-primary">
        {t('visits.addRoom')}
      </button>
      {problem !== null && (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      )}
      <ErrorNotice error={error} />
    </form>
  );
}

function TimeZoneForm({ siteQuery, current, onSaved }: { siteQuery: { siteId?: string }; current: string; onSaved(): void }) {
  const { t } = useTranslation();
  const [zone, setZone] = useState(current);
  const [error, setError] = useState<ConsoleError | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    consolePost('/visits/time-zone', { ...siteQuery, timeZone: zone }, VisitSetupView).then(
      () => {
        setError(null);
        onSaved();
      },
      (failure: unknown) => setError(asError(failure)),
    );
  };
  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="zone-title">
      <h2 id="zone-title">{t('visits.zoneTitle')}</h2>
      <p>{t('visits.zoneHelp', { zone: current })}</p>
      <label>
        {t('visits.zoneLabel')}
        <input value={zone} onChange={(event) => setZone(event.target.value)} maxLength={64} required />
      </label>
      <button type="submit">{t('visits.zoneSave')}</button>
      <ErrorNotice error={error} />
    </form>
  );
}
