// The money office: find a person, take a deposit (checked by the one money rule before it is sent, confirmed with the
// person's name and the balance it will make), read and print their statement between two dates or download it as
// CSV or PDF, correct an entry by reversing it with a reason, and change the stamp price books by adding a version.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SiteList } from '../../../hub/console/api/schemas/accounts';
import {
  AccountView,
  CorrectionReceipt,
  DepositReceipt,
  PersonList,
  PriceBookList,
  StatementView,
  depositSourceNames,
  type LedgerChoice,
  type PersonSummary,
  type StatementLineView,
} from '../../../hub/console/api/schemas/money';
import { dollarsText, readDepositDollars } from '../../../rules/money';
import { useFormat, type ConsoleFormat } from '../format';
import { ConsoleError, consoleGet, consolePost, queryString } from '../api';
import { ErrorNotice } from '../ErrorNotice';
import type { ConsolePageProps } from '../pages';
import { useLoad } from '../useLoad';
import './money.css';

type DepositSource = (typeof depositSourceNames)[number];

const asError = (failure: unknown): ConsoleError => (failure instanceof ConsoleError ? failure : new ConsoleError('internal', String(failure), 0));

/** The first day of the month `today` ("2025-06-14") falls in. */
const monthStart = (today: string): string => `${today.slice(0, 8)}01`;

function figure(format: ConsoleFormat, ledger: LedgerChoice, amount: number): string {
  return ledger === 'money' ? format.money(amount) : format.number(amount);
}

export function MoneyPage({ session }: ConsolePageProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const [query, setQuery] = useState('');
  const [searched, setSearched] = useState('');
  const [residentId, setResidentId] = useState<string | null>(null);
  const people = useLoad(
    () => (searched === '' ? Promise.resolve({ people: [] }) : consoleGet(`/money/people${queryString({ q: searched })}`, PersonList)),
    [searched],
  );

  const search = (event: FormEvent) => {
    event.preventDefault();
    setSearched(query.trim());
  };

  return (
    <section className="money-page">
      <h1>{t('pages.money')}</h1>
      <form className="card form-grid no-print" onSubmit={search} role="search" aria-labelledby="money-find">
        <h2 id="money-find">{t('money.findTitle')}</h2>
        <label>
          {t('money.findLabel')}
          <input value={query} onChange={(event) => setQuery(event.target.value)} maxLength={100} required />
        </label>
        <button type="submit">{t('money.find')}</button>
      </form>
      <ErrorNotice error={people.error} />
      {searched !== '' && people.data !== null && (
        <div className="no-print">
          {people.data.people.length === 0 ? (
            <p>{t('money.nobody', { query: searched })}</p>
          ) : (
            <ul className="people-list" aria-label={t('money.found')}>
              {people.data.people.map((person) => (
                <li key={person.residentId}>
                  <button type="button" aria-pressed={person.residentId === residentId} onClick={() => setResidentId(person.residentId)}>
                    {t('money.personButton', { name: person.name, booking: person.credentialId })}
                  </button>
                  {/* Each part isolated: names and sums in one direction must not scramble a line read in the other. */}
                  <span>
                    <bdi>{person.unitName ?? t('money.released')}</bdi> · <bdi>{person.siteName}</bdi> · <bdi>{format.money(person.balanceCents)}</bdi> ·{' '}
                    <bdi>{t('money.stamps', { count: person.stamps })}</bdi>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {residentId !== null && <PersonAccount key={residentId} residentId={residentId} />}
      <PriceBooks siteId={session.staff.siteId} />
    </section>
  );
}

function PersonAccount({ residentId }: { residentId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const account = useLoad(() => consoleGet(`/money/people/${encodeURIComponent(residentId)}`, AccountView), [residentId]);
  const [statementRound, setStatementRound] = useState(0);
  if (account.data === null) return <ErrorNotice error={account.error} />;
  const { person } = account.data;
  const changed = () => {
    account.reload();
    setStatementRound((round) => round + 1);
  };
  return (
    <div className="person-account">
      <div className="card person-card" aria-labelledby="money-person" data-resident-id={person.residentId}>
        <h2 id="money-person">{t('money.personTitle', { name: person.name, booking: person.credentialId })}</h2>
        <p>
          {person.siteName}
          {person.unitName === null ? '' : ` · ${person.unitName}`}
        </p>
        <p data-testid="money-balances">
          {t('money.balances', { money: format.money(person.balanceCents), stamps: t('money.stamps', { count: person.stamps }) })}
        </p>
      </div>
      {!person.released && <DepositForm person={person} onDeposited={changed} />}
      <StatementPanel key={statementRound} residentId={residentId} today={account.data.today} timeZone={account.data.timeZone} onCorrected={changed} />
    </div>
  );
}

function DepositForm({ person, onDeposited }: { person: PersonSummary; onDeposited(): void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [amount, setAmount] = useState('');
  const [source, setSource] = useState<DepositSource>('moneyOrder');
  const [reference, setReference] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ConsoleError | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [receipt, setReceipt] = useState<DepositReceipt | null>(null);

  const review = (event: FormEvent) => {
    event.preventDefault();
    setReceipt(null);
    setError(null);
    // The rule the hub applies, applied first here so the words come before anything is sent.
    const reading = readDepositDollars(amount);
    if (!reading.ok) {
      setProblem(reading.sentence);
      return;
    }
    setProblem(null);
    setConfirming(reading.cents);
  };
  const confirm = () => {
    consolePost('/money/deposits', { residentId: person.residentId, amount, source, reference }, DepositReceipt).then(
      (done) => {
        setConfirming(null);
        setReceipt(done);
        setAmount('');
        setReference('');
        onDeposited();
      },
      (failure: unknown) => {
        setConfirming(null);
        setError(asError(failure));
      },
    );
  };

  return (
    <div className="no-print">
      <form className="card form-grid" onSubmit={review} aria-labelledby="money-deposit">
        <h2 id="money-deposit">{t('money.depositTitle')}</h2>
        <label>
          {t('money.amount')}
          <input
            value={amount}
            onChange={(event) => setAmount(event.target.value)}
            inputMode="decimal"
            maxLength={40}
            required
            aria-invalid={problem !== null}
            aria-describedby={problem === null ? undefined : 'deposit-problem'}
          />
        </label>
        <label>
          {t('money.source')}
          <select value={source} onChange={(event) => setSource(depositSourceNames.find((name) => name === event.target.value) ?? 'moneyOrder')}>
            {depositSourceNames.map((name) => (
              <option key={name} value={name}>
                {t(`money.sources.${name}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('money.reference')}
          <input value={reference} onChange={(event) => setReference(event.target.value)} maxLength={100} />
        </label>
        <button type="submit" className="button-primary">
          {t('money.review')}
        </button>
        {problem !== null && (
          <p id="deposit-problem" className="notice notice-error" role="alert">
            {problem}
          </p>
        )}
      </form>
      {confirming !== null && (
        <div className="card confirm" role="dialog" aria-modal="false" aria-labelledby="deposit-confirm">
          <h3 id="deposit-confirm">{t('money.confirmTitle')}</h3>
          <p>
            {t('money.confirmText', {
              amount: format.money(confirming),
              name: person.name,
              booking: person.credentialId,
              balance: format.money(person.balanceCents + confirming),
            })}
          </p>
          <p>
            {t(`money.sources.${source}`)}
            {reference.trim() === '' ? '' : ` · ${reference.trim()}`}
          </p>
          <div className="actions">
            <button type="button" className="button-primary" onClick={confirm}>
              {t('money.confirm')}
            </button>
            <button type="button" onClick={() => setConfirming(null)}>
              {t('money.back')}
            </button>
          </div>
        </div>
      )}
      <ErrorNotice error={error} />
      {receipt !== null && (
        <p className="notice notice-success" role="status">
          {t('money.deposited', { amount: format.money(receipt.amountCents), name: receipt.name, balance: format.money(receipt.balanceCents) })}
        </p>
      )}
    </div>
  );
}

function StatementPanel({ residentId, today, timeZone, onCorrected }: { residentId: string; today: string; timeZone: string; onCorrected(): void }) {
  const { t } = useTranslation();
  const format = useFormat(timeZone);
  const [ledger, setLedger] = useState<LedgerChoice>('money');
  const [from, setFrom] = useState(monthStart(today));
  const [to, setTo] = useState(today);
  const [period, setPeriod] = useState({ ledger: 'money' as LedgerChoice, from: monthStart(today), to: today });
  const path = `/money/people/${encodeURIComponent(residentId)}/statement`;
  const search = queryString(period);
  const statement = useLoad(() => consoleGet(`${path}${search}`, StatementView), [path, search]);
  const [correcting, setCorrecting] = useState<StatementLineView | null>(null);

  const show = (event: FormEvent) => {
    event.preventDefault();
    setPeriod({ ledger, from, to });
  };

  return (
    <section className="statement" aria-labelledby="statement-title">
      <form className="card form-grid no-print" onSubmit={show} aria-labelledby="statement-form">
        <h2 id="statement-form">{t('money.statementTitle')}</h2>
        <label>
          {t('money.ledger')}
          <select value={ledger} onChange={(event) => setLedger(event.target.value === 'stamps' ? 'stamps' : 'money')}>
            <option value="money">{t('money.ledgers.money')}</option>
            <option value="stamps">{t('money.ledgers.stamps')}</option>
          </select>
        </label>
        <label>
          {t('money.from')}
          <input type="date" value={from} onChange={(event) => setFrom(event.target.value)} required />
        </label>
        <label>
          {t('money.to')}
          <input type="date" value={to} onChange={(event) => setTo(event.target.value)} required />
        </label>
        <button type="submit">{t('money.show')}</button>
      </form>
      <ErrorNotice error={statement.error} />
      {statement.data !== null && (
        <div className="statement-sheet" data-testid="statement">
          <h2 id="statement-title">{t('money.sheetTitle', { ledger: t(`money.ledgers.${statement.data.ledger}`) })}</h2>
          <p>
            {statement.data.residentName} ({statement.data.credentialId}) · {statement.data.siteName}
          </p>
          <p>{t('money.period', { from: format.calendarDay(statement.data.fromDate), to: format.calendarDay(statement.data.toDate), zone: timeZone })}</p>
          <div className="actions no-print">
            <button type="button" onClick={() => window.print()}>
              {t('money.print')}
            </button>
            <a className="button" href={`/console/api${path}.csv${search}`} download>
              {t('money.csv')}
            </a>
            <a className="button" href={`/console/api${path}.pdf${search}`} download>
              {t('money.pdf')}
            </a>
          </div>
          <table className="table">
            <caption className="visually-hidden">{t('money.statementTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('money.columns.date')}</th>
                <th scope="col">{t('money.columns.what')}</th>
                <th scope="col">{t('money.columns.reference')}</th>
                <th scope="col" className="number">
                  {t('money.columns.in')}
                </th>
                <th scope="col" className="number">
                  {t('money.columns.out')}
                </th>
                <th scope="col" className="number">
                  {t('money.columns.balance')}
                </th>
                <th scope="col" className="no-print">
                  <span className="visually-hidden">{t('money.columns.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>{format.calendarDay(statement.data.fromDate)}</td>
                <td>{t('money.opening')}</td>
                <td />
                <td />
                <td />
                <td className="number">{figure(format, statement.data.ledger, statement.data.openingBalance)}</td>
                <td className="no-print" />
              </tr>
              {statement.data.lines.map((line) => (
                <tr key={line.entryId} data-testid="statement-line">
                  <td>{format.dateTime(line.at)}</td>
                  <td>
                    {line.what}
                    {line.reversedByEntryId !== null && <span className="tag">{t('money.reversed')}</span>}
                  </td>
                  <td>{line.reference}</td>
                  <td className="number">{line.amount > 0 ? figure(format, statement.data?.ledger ?? 'money', line.amount) : ''}</td>
                  <td className="number">{line.amount < 0 ? figure(format, statement.data?.ledger ?? 'money', -line.amount) : ''}</td>
                  <td className="number">{figure(format, statement.data?.ledger ?? 'money', line.balance)}</td>
                  <td className="no-print">
                    {line.reversesEntryId === null && line.reversedByEntryId === null && (
                      <button type="button" onClick={() => setCorrecting(line)}>
                        {t('money.correct')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  {t('money.totals')}
                </th>
                <td className="number">{figure(format, statement.data.ledger, statement.data.totalIn)}</td>
                <td className="number">{figure(format, statement.data.ledger, statement.data.totalOut)}</td>
                <td />
                <td className="no-print" />
              </tr>
              <tr>
                <th scope="row" colSpan={5}>
                  {t('money.closing')}
                </th>
                <td className="number" data-testid="statement-closing">
                  {figure(format, statement.data.ledger, statement.data.closingBalance)}
                </td>
                <td className="no-print" />
              </tr>
            </tfoot>
          </table>
          {correcting !== null && (
            <CorrectionForm
              ledger={statement.data.ledger}
              line={correcting}
              onDone={() => {
                setCorrecting(null);
                statement.reload();
                onCorrected();
              }}
              onCancel={() => setCorrecting(null)}
            />
          )}
        </div>
      )}
    </section>
  );
}

function CorrectionForm({ ledger, line, onDone, onCancel }: { ledger: LedgerChoice; line: StatementLineView; onDone(): void; onCancel(): void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ConsoleError | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    consolePost('/money/corrections', { ledger, entryId: line.entryId, reason }, CorrectionReceipt).then(onDone, (failure: unknown) =>
      setError(asError(failure)),
    );
  };
  return (
    <form className="card form-grid no-print" onSubmit={submit} aria-labelledby="correction-title">
      <h3 id="correction-title">
        {t('money.correctionTitle', { what: line.what, when: format.dateTime(line.at), amount: figure(format, ledger, line.amount) })}
      </h3>
      <p>{t('money.correctionText')}</p>
      <label>
        {t('money.reason')}
        <input value={reason} onChange={(event) => setReason(event.target.value)} maxLength={500} required />
      </label>
      <button type="submit" className="button-danger">
        {t('money.reverse')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('money.back')}
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}

function PriceBooks({ siteId }: { siteId: string | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const sites = useLoad(() => (siteId === null ? consoleGet('/sites', SiteList) : Promise.resolve({ sites: [] })), [siteId]);
  const site = siteId ?? sites.data?.sites[0]?.siteId ?? null;
  const books = useLoad(
    () => (site === null ? Promise.resolve(null) : consoleGet(`/money/price-books${queryString({ siteId: site })}`, PriceBookList)),
    [site],
  );
  const [rows, setRows] = useState<{ stamps: string; price: string }[] | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<ConsoleError | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const current = books.data?.versions.find((version) => version.current);
  const editing = rows ?? current?.books.map((book) => ({ stamps: String(book.stamps), price: dollarsText(book.priceCents).replace('$', '') })) ?? [];

  const save = (event: FormEvent) => {
    event.preventDefault();
    const parsed: { stamps: number; priceCents: number }[] = [];
    for (const row of editing) {
      const stamps = Number(row.stamps);
      const price = readDepositDollars(row.price);
      if (!Number.isInteger(stamps) || stamps < 1) return setProblem(t('money.badStamps', { stamps: row.stamps }));
      if (!price.ok) return setProblem(price.sentence);
      parsed.push({ stamps, priceCents: price.cents });
    }
    setProblem(null);
    consolePost('/money/price-books', { ...(siteId === null && site !== null ? { siteId: site } : {}), books: parsed, note }, PriceBookList).then(
      () => {
        setRows(null);
        setNote('');
        setError(null);
        books.reload();
      },
      (failure: unknown) => setError(asError(failure)),
    );
  };

  return (
    <section className="no-print" aria-labelledby="price-books">
      <h2 id="price-books">{t('money.priceBooksTitle')}</h2>
      <p>{t('money.priceBooksIntro')}</p>
      <ErrorNotice error={books.error} />
      <table className="table">
        <caption className="visually-hidden">{t('money.priceBooksTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('money.version')}</th>
            <th scope="col">{t('money.books')}</th>
            <th scope="col">{t('money.madeBy')}</th>
            <th scope="col">{t('money.purchases')}</th>
          </tr>
        </thead>
        <tbody>
          {(books.data?.versions ?? []).map((version) => (
            <tr key={version.version}>
              <td>
                {version.version}
                {version.current && <span className="tag">{t('money.inForce')}</span>}
              </td>
              <td>{version.books.map((book) => t('money.book', { stamps: book.stamps, price: format.money(book.priceCents) })).join(', ')}</td>
              <td>
                {version.createdBy}
                {version.note === '' ? '' : ` — ${version.note}`}
              </td>
              <td>{version.purchases}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="card form-grid" onSubmit={save} aria-labelledby="new-price-book">
        <h3 id="new-price-book">{t('money.newVersion')}</h3>
        {editing.map((row, index) => (
          <div className="book-row" key={index}>
            <label>
              {t('money.bookStamps')}
              <input
                value={row.stamps}
                inputMode="numeric"
                onChange={(event) => setRows(editing.map((other, at) => (at === index ? { ...other, stamps: event.target.value } : other)))}
              />
            </label>
            <label>
              {t('money.bookPrice')}
              <input
                value={row.price}
                inputMode="decimal"
                onChange={(event) => setRows(editing.map((other, at) => (at === index ? { ...other, price: event.target.value } : other)))}
              />
            </label>
            <button type="button" onClick={() => setRows(editing.filter((_, at) => at !== index))}>
              {t('money.removeBook')}
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setRows([...editing, { stamps: '', price: '' }])}>
          {t('money.addBook')}
        </button>
        <label>
          {t('money.note')}
          <input value={note} onChange={(event) => setNote(event.target.value)} maxLength={500} />
        </label>
        <button type="submit" className="button-primary">
          {t('money.saveVersion')}
        </button>
        {problem !== null && (
          <p className="notice notice-error" role="alert">
            {problem}
          </p>
        )}
        <ErrorNotice error={error} />
      </form>
    </section>
  );
}
