// People: find a person by name or booking number; see their unit, money, lockout and contacts; and (supervisor)
// add, move and release them — a released person's letters and statement are a PDF to hand them — and approve,
// unapprove or block a contact at the person's request.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffRole } from '../../../hub/console/api/schemas/common';
import { PeopleList, PersonDetail, UnitList, type ContactView } from '../../../hub/console/api/schemas/people';
import { ConsoleError, consoleGet, consolePost, queryString } from '../api';
import { ErrorNotice } from '../ErrorNotice';
import { Link } from '../Link';
import type { ConsolePageProps } from '../pages';
import { navigate, useLocation } from '../router';
import { useLoad } from '../useLoad';
import { useFormat } from '../format';

const changesPeople = (role: StaffRole) => role === 'supervisor' || role === 'admin';
const changesContacts = (role: StaffRole) => changesPeople(role) || role === 'mailroom';

export function PeoplePage({ session }: ConsolePageProps) {
  const { path } = useLocation();
  const residentId = path.startsWith('/people/') ? decodeURIComponent(path.slice('/people/'.length)) : null;
  return residentId === null ? <PeopleSearch role={session.staff.role} /> : <PersonView residentId={residentId} role={session.staff.role} />;
}

function PeopleSearch({ role }: { role: StaffRole }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<'active' | 'released' | 'all'>('active');
  const people = useLoad(() => consoleGet(`/people${queryString({ search, status })}`, PeopleList), [search, status]);
  return (
    <section>
      <h1>{t('pages.people')}</h1>
      <div className="search-bar" role="search">
        <label>
          {t('people.search')}
          <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} maxLength={100} />
        </label>
        <label>
          {t('people.status')}
          <select
            value={status}
            onChange={(event) => setStatus(event.target.value === 'released' ? 'released' : event.target.value === 'all' ? 'all' : 'active')}
          >
            <option value="active">{t('people.active')}</option>
            <option value="released">{t('people.released')}</option>
            <option value="all">{t('people.all')}</option>
          </select>
        </label>
      </div>
      <ErrorNotice error={people.error} />
      <table className="table">
        <caption className="visually-hidden">{t('pages.people')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('people.name')}</th>
            <th scope="col">{t('people.booking')}</th>
            <th scope="col">{t('people.unit')}</th>
            <th scope="col">{t('people.state')}</th>
          </tr>
        </thead>
        <tbody>
          {(people.data?.people ?? []).map((person) => (
            <tr key={person.residentId}>
              <td>
                <Link to={`/people/${encodeURIComponent(person.residentId)}`}>{person.name}</Link>
              </td>
              <td>{person.credentialId}</td>
              <td>{person.housingUnitName ?? '—'}</td>
              <td>
                {person.status === 'released'
                  ? t('people.releasedState')
                  : person.lockedUntil !== null
                    ? t('people.lockedState', { time: format.time(person.lockedUntil) })
                    : t('people.activeState')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {people.data !== null && people.data.people.length === 0 && <p>{t('people.none')}</p>}
      {people.data?.limited === true && <p>{t('people.limited')}</p>}
      {changesPeople(role) && <AddPerson />}
    </section>
  );
}

function AddPerson() {
  const { t } = useTranslation();
  const units = useLoad(() => consoleGet('/units', UnitList), []);
  const [form, setForm] = useState({ name: '', credentialId: '', pin: '', housingUnitId: '', language: 'en' as 'en' | 'es' });
  const [error, setError] = useState<ConsoleError | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const housingUnitId = form.housingUnitId === '' ? (units.data?.units[0]?.housingUnitId ?? '') : form.housingUnitId;
    consolePost('/people', { ...form, housingUnitId }, PersonDetail).then(
      (added) => navigate(`/people/${encodeURIComponent(added.person.residentId)}`),
      (failure: unknown) => setError(failure instanceof ConsoleError ? failure : new ConsoleError('internal', String(failure), 0)),
    );
  };
  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="add-person">
      <h2 id="add-person">{t('people.add')}</h2>
      <ErrorNotice error={error} />
      <label>
        {t('people.name')}
        <input value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} required maxLength={200} />
      </label>
      <label>
        {t('people.booking')}
        <input value={form.credentialId} onChange={(event) => setForm({ ...form, credentialId: event.target.value })} required maxLength={64} />
      </label>
      <label>
        {t('people.pin')}
        <input value={form.pin} onChange={(event) => setForm({ ...form, pin: event.target.value })} required inputMode="numeric" autoComplete="off" />
      </label>
      <label>
        {t('people.unit')}
        <select value={form.housingUnitId} onChange={(event) => setForm({ ...form, housingUnitId: event.target.value })}>
          {(units.data?.units ?? []).map((unit, _index, all) => (
            <option key={unit.housingUnitId} value={unit.housingUnitId}>
              {all.some((other) => other.siteId !== unit.siteId) ? t('people.unitAtSiteShort', { unit: unit.name, site: unit.siteName }) : unit.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('people.language')}
        <select value={form.language} onChange={(event) => setForm({ ...form, language: event.target.value === 'es' ? 'es' : 'en' })}>
          <option value="en">English</option>
          <option value="es">Español</option>
        </select>
      </label>
      <button type="submit" className="button-primary">
        {t('people.addSubmit')}
      </button>
    </form>
  );
}

function PersonView({ residentId, role }: { residentId: string; role: StaffRole }) {
  const { t } = useTranslation();
  const format = useFormat();
  const loaded = useLoad(() => consoleGet(`/people/${encodeURIComponent(residentId)}`, PersonDetail), [residentId]);
  const units = useLoad(() => consoleGet('/units', UnitList), []);
  const [override, setOverride] = useState<PersonDetail | null>(null);
  const [error, setError] = useState<ConsoleError | null>(null);
  const [confirmingRelease, setConfirmingRelease] = useState(false);
  const [moveTo, setMoveTo] = useState('');
  const detail = override !== null && override.person.residentId === residentId ? override : loaded.data;
  /** Makes a change and shows the person as the hub now has them; false (with the refusal shown) when refused. */
  const act = (path: string, body: unknown = {}): Promise<boolean> =>
    consolePost(path, body, PersonDetail).then(
      (next) => {
        setError(null);
        setOverride(next);
        return true;
      },
      (failure: unknown) => {
        setError(failure instanceof ConsoleError ? failure : new ConsoleError('internal', String(failure), 0));
        return false;
      },
    );
  if (detail === null)
    return (
      <section>
        <p>
          <Link to="/people">{t('people.back')}</Link>
        </p>
        {loaded.error === null ? <p>{t('loading')}</p> : <ErrorNotice error={loaded.error} />}
      </section>
    );
  const { person } = detail;
  const id = encodeURIComponent(person.residentId);
  // Units of other sites appear only for an all-sites admin (the hub lists no other site's units to anyone else).
  const otherUnits = (units.data?.units ?? []).filter((unit) => unit.housingUnitId !== person.housingUnitId);
  return (
    <section>
      <p>
        <Link to="/people">{t('people.back')}</Link>
      </p>
      <h1>{person.name}</h1>
      <ErrorNotice error={error} />
      <dl className="facts">
        <dt>{t('people.booking')}</dt>
        <dd>{person.credentialId}</dd>
        <dt>{t('people.unit')}</dt>
        <dd>{person.housingUnitName ?? '—'}</dd>
        <dt>{t('people.state')}</dt>
        <dd>{person.status === 'released' ? t('people.releasedState') : t('people.activeState')}</dd>
        <dt>{t('people.money')}</dt>
        <dd>{format.money(detail.balanceCents)}</dd>
        <dt>{t('people.stamps')}</dt>
        <dd>{detail.stamps}</dd>
        <dt>{t('people.lockout')}</dt>
        <dd>
          {person.lockedUntil !== null
            ? t('people.lockedUntil', { time: format.time(person.lockedUntil), count: detail.failedPinAttempts })
            : t('people.wrongPins', { count: detail.failedPinAttempts })}
          {changesPeople(role) && person.status === 'active' && (person.lockedUntil !== null || detail.failedPinAttempts > 0) && (
            <button type="button" className="inline-action" onClick={() => void act(`/people/${id}/clear-lockout`)}>
              {t('people.clearLockout')}
            </button>
          )}
        </dd>
      </dl>

      {changesPeople(role) && person.status === 'active' && (
        <div className="card">
          <h2>{t('people.changeHousing')}</h2>
          <div className="row">
            <label>
              {t('people.moveTo')}
              <select value={moveTo} onChange={(event) => setMoveTo(event.target.value)}>
                <option value="">{t('people.chooseUnit')}</option>
                {otherUnits.map((unit) => (
                  <option key={unit.housingUnitId} value={unit.housingUnitId}>
                    {unit.siteId === person.siteId ? unit.name : t('people.unitAtSite', { unit: unit.name, site: unit.siteName })}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" disabled={moveTo === ''} onClick={() => void act(`/people/${id}/move`, { housingUnitId: moveTo })}>
              {t('people.move')}
            </button>
            {confirmingRelease ? (
              <span className="confirm" role="group" aria-label={t('people.releaseConfirmLabel')}>
                {t('people.releaseConfirm', { name: person.name })}
                <button
                  type="button"
                  className="button-danger"
                  onClick={() => void act(`/people/${id}/release`).then((done) => done && setConfirmingRelease(false))}
                >
                  {t('people.releaseYes')}
                </button>
                <button type="button" onClick={() => setConfirmingRelease(false)}>
                  {t('cancel')}
                </button>
              </span>
            ) : (
              <button type="button" className="button-danger" onClick={() => setConfirmingRelease(true)}>
                {t('people.release')}
              </button>
            )}
          </div>
        </div>
      )}
      {changesPeople(role) && (
        <p>
          <a className="button" href={`/console/api/people/${id}/release-packet.pdf`} download>
            {t('people.packet')}
          </a>
        </p>
      )}

      <h2>{t('people.contacts')}</h2>
      <Contacts contacts={detail.contacts} canChange={changesContacts(role)} canUnblock={changesPeople(role)} act={act} />
      {changesContacts(role) && person.status === 'active' && <AddContact residentId={person.residentId} act={act} />}
    </section>
  );
}

function Contacts({
  contacts,
  canChange,
  canUnblock,
  act,
}: {
  contacts: readonly ContactView[];
  canChange: boolean;
  canUnblock: boolean;
  act: (path: string, body?: unknown) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const [blocking, setBlocking] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  if (contacts.length === 0) return <p>{t('people.noContacts')}</p>;
  return (
    <table className="table">
      <caption className="visually-hidden">{t('people.contacts')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('people.name')}</th>
          <th scope="col">{t('people.relationship')}</th>
          <th scope="col">{t('people.state')}</th>
          <th scope="col">
            <span className="visually-hidden">{t('accounts.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {contacts.map((contact) => {
          const id = encodeURIComponent(contact.contactId);
          return (
            <tr key={contact.contactId}>
              <td>{contact.name}</td>
              <td>{contact.relationship}</td>
              <td>
                {contact.blocked !== null
                  ? t('people.blocked', { reason: contact.blocked.reason })
                  : contact.approved
                    ? t('people.approved')
                    : t('people.notApproved')}
              </td>
              <td className="actions">
                {canChange && contact.blocked === null && (
                  <button type="button" onClick={() => void act(`/contacts/${id}/${contact.approved ? 'unapprove' : 'approve'}`)}>
                    {contact.approved ? t('people.unapprove') : t('people.approve')}
                  </button>
                )}
                {canChange && contact.blocked === null && blocking !== contact.contactId && (
                  <button type="button" onClick={() => setBlocking(contact.contactId)}>
                    {t('people.block')}
                  </button>
                )}
                {blocking === contact.contactId && (
                  <form
                    className="inline-form"
                    onSubmit={(event) => {
                      event.preventDefault();
                      void act(`/contacts/${id}/block`, { reason }).then((done) => {
                        if (!done) return;
                        setBlocking(null);
                        setReason('');
                      });
                    }}
                  >
                    <label>
                      {t('people.blockReason')}
                      <input value={reason} onChange={(event) => setReason(event.target.value)} required />
                    </label>
                    <button type="submit" className="button-danger">
                      {t('people.blockSubmit')}
                    </button>
                    <button type="button" onClick={() => setBlocking(null)}>
                      {t('cancel')}
                    </button>
                  </form>
                )}
                {canUnblock && contact.blocked !== null && (
                  <button type="button" onClick={() => void act(`/contacts/${id}/unblock`)}>
                    {t('people.unblock')}
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function AddContact({ residentId, act }: { residentId: string; act: (path: string, body?: unknown) => Promise<boolean> }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [relationship, setRelationship] = useState('');
  const [approved, setApproved] = useState(true);
  return (
    <form
      className="card form-grid"
      aria-labelledby="add-contact"
      onSubmit={(event) => {
        event.preventDefault();
        void act(`/people/${encodeURIComponent(residentId)}/contacts`, { name, relationship, approved }).then((done) => {
          if (!done) return;
          setName('');
          setRelationship('');
        });
      }}
    >
      <h2 id="add-contact">{t('people.addContact')}</h2>
      <label>
        {t('people.name')}
        <input value={name} onChange={(event) => setName(event.target.value)} required maxLength={120} />
      </label>
      <label>
        {t('people.relationship')}
        <input value={relationship} onChange={(event) => setRelationship(event.target.value)} maxLength={60} />
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={approved} onChange={(event) => setApproved(event.target.checked)} />
        {t('people.approvedNow')}
      </label>
      <button type="submit" className="button-primary">
        {t('people.addContactSubmit')}
      </button>
    </form>
  );
}
