// Staff accounts (admin): who can sign in, with which role and site; new accounts and resets get a temporary
// password shown once, to be handed over in person.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AccountList, SiteList, TemporaryPasswordView, type AccountView } from '../../../hub/console/api/schemas/accounts';
import { Ok, StaffRole, staffRoles } from '../../../hub/console/api/schemas/common';
import { ConsoleError, consoleGet, consolePost } from '../api';
import { ErrorNotice } from '../ErrorNotice';
import type { ConsolePageProps } from '../pages';
import { useLoad } from '../useLoad';

export function AccountsPage(_props: ConsolePageProps) {
  const { t } = useTranslation();
  const accounts = useLoad(() => consoleGet('/accounts', AccountList), []);
  const sites = useLoad(() => consoleGet('/sites', SiteList), []);
  const [error, setError] = useState<ConsoleError | null>(null);
  const [handedOver, setHandedOver] = useState<{ username: string; password: string } | null>(null);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<StaffRole>('mailroom');
  const [siteId, setSiteId] = useState('');

  const fail = (failure: unknown) => setError(failure instanceof ConsoleError ? failure : new ConsoleError('internal', String(failure), 0));
  const created = (result: { account: AccountView; temporaryPassword: string }) => {
    setError(null);
    setHandedOver({ username: result.account.username, password: result.temporaryPassword });
    accounts.reload();
  };
  const create = (event: FormEvent) => {
    event.preventDefault();
    const site = siteId === '' ? (sites.data?.sites[0]?.siteId ?? null) : siteId;
    consolePost('/accounts', { username, displayName, role, siteId: role === 'admin' && siteId === '' ? null : site }, TemporaryPasswordView).then((result) => {
      setUsername('');
      setDisplayName('');
      created(result);
    }, fail);
  };
  const siteName = (id: string | null) => (id === null ? t('everySite') : (sites.data?.sites.find((site) => site.siteId === id)?.name ?? id));

  return (
    <section>
      <h1>{t('pages.accounts')}</h1>
      <ErrorNotice error={error ?? accounts.error} />
      {handedOver !== null && (
        <div className="notice notice-success" role="status">
          <p>{t('accounts.temporary', { username: handedOver.username })}</p>
          <p className="big-code" aria-label={t('accounts.temporaryLabel')}>
            {handedOver.password}
          </p>
        </div>
      )}
      <table className="table">
        <caption className="visually-hidden">{t('pages.accounts')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('accounts.name')}</th>
            <th scope="col">{t('accounts.username')}</th>
            <th scope="col">{t('accounts.role')}</th>
            <th scope="col">{t('accounts.site')}</th>
            <th scope="col">{t('accounts.state')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('accounts.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(accounts.data?.accounts ?? []).map((account) => (
            <tr key={account.staffId}>
              <td>{account.displayName}</td>
              <td>{account.username}</td>
              <td>{t(`roles.${account.role}`)}</td>
              <td>{siteName(account.siteId)}</td>
              <td>{account.disabled ? t('accounts.disabled') : account.lockedUntil !== null ? t('accounts.locked') : t('accounts.active')}</td>
              <td className="actions">
                <button
                  type="button"
                  onClick={() => void consolePost(`/accounts/${account.staffId}/reset-password`, {}, TemporaryPasswordView).then(created, fail)}
                >
                  {t('accounts.reset')}
                </button>
                <button
                  type="button"
                  onClick={() =>
                    void consolePost(`/accounts/${account.staffId}/${account.disabled ? 'enable' : 'disable'}`, {}, Ok).then(accounts.reload, fail)
                  }
                >
                  {account.disabled ? t('accounts.enable') : t('accounts.disable')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="card form-grid" onSubmit={create} aria-labelledby="new-account">
        <h2 id="new-account">{t('accounts.new')}</h2>
        <label>
          {t('accounts.name')}
          <input value={displayName} onChange={(event) => setDisplayName(event.target.value)} required maxLength={200} />
        </label>
        <label>
          {t('accounts.username')}
          <input value={username} onChange={(event) => setUsername(event.target.value)} required maxLength={64} autoComplete="off" />
        </label>
        <label>
          {t('accounts.role')}
          <select value={role} onChange={(event) => setRole(StaffRole.parse(event.target.value))}>
            {staffRoles.map((choice) => (
              <option key={choice} value={choice}>
                {t(`roles.${choice}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('accounts.site')}
          <select value={siteId} onChange={(event) => setSiteId(event.target.value)}>
            {role === 'admin' && <option value="">{t('everySite')}</option>}
            {(sites.data?.sites ?? []).map((site) => (
              <option key={site.siteId} value={site.siteId}>
                {site.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button-primary">
          {t('accounts.create')}
        </button>
      </form>
    </section>
  );
}
