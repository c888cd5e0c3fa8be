// A tablet's assignment: who it serves, giving it to a resident by the booking number on their wristband (typed on a
// number pad: tablets have no keyboard), and taking it back, which removes that person's data from it after a
// confirmation. Either way the staff member types their PIN again, which the hub checks (a staff id alone proves
// nothing); the PIN lives in this component only until the call is made. The runtime decides everything
// (main/tablet/tablet-assignment.ts); this screen asks and says the outcome.
import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceErrorCode, LanguageCode, TabletAssignee, TabletAssignError, TabletUnassignError } from '../../../../main/contract';
import { DeviceApiError } from '../../api/client';
import { NumberPad } from '../../components/NumberPad';
import { formatTime } from '../../i18n/format';
import { ConfirmDialog } from './ConfirmDialog';
import type { ServiceSectionProps } from './serviceSection';
import { useServiceCall } from './useServiceCall';

/** Booking numbers are short; the contract allows 64 characters, the pad needs no more than this. */
const maxBookingDigits = 16;
/** PINs are 4 to 8 digits (the contract's PinInput). */
const minPinDigits = 4;
const maxPinDigits = 8;

/** The refusals that carry the hub's count: the tries left, or the end of a lockout. */
interface PinCount {
  readonly attemptsLeft?: number | undefined;
  readonly lockedUntil?: number | undefined;
}

type Outcome =
  | { kind: 'none' }
  | { kind: 'working'; what: 'assign' | 'unassign' }
  | { kind: 'assigned'; assignee: TabletAssignee; recordsArrived: boolean }
  | ({ kind: 'assignRefused'; error: TabletAssignError } & PinCount)
  | { kind: 'unassigned'; previous: TabletAssignee }
  | ({ kind: 'unassignRefused'; error: TabletUnassignError; unsent: number } & PinCount)
  | { kind: 'callFailed'; code: DeviceErrorCode };

export function TabletSection({ api, language }: ServiceSectionProps) {
  const { t } = useTranslation();
  const load = useCallback(() => api.call('service.overview', {}), [api]);
  const { value: overview, failure, reload } = useServiceCall(load);
  const [bookingNumber, setBookingNumber] = useState('');
  const [confirming, setConfirming] = useState(false);
  /** Which change waits for the staff member's PIN, and the digits typed so far. */
  const [pinFor, setPinFor] = useState<'assign' | 'unassign' | null>(null);
  const [staffPin, setStaffPin] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });
  const working = outcome.kind === 'working';
  /** Typing a new number clears the last answer, so a refusal is never read as being about the number now shown. */
  const edit = (change: (current: string) => string): void => {
    setBookingNumber(change);
    if (outcome.kind !== 'working') setOutcome({ kind: 'none' });
  };
  const callFailed = (error: unknown): void => setOutcome({ kind: 'callFailed', code: error instanceof DeviceApiError ? error.code : 'internal' });

  const askPin = (what: 'assign' | 'unassign'): void => {
    setStaffPin('');
    setPinFor(what);
    setOutcome({ kind: 'none' });
  };
  const cancelPin = (): void => {
    setStaffPin('');
    setPinFor(null);
  };

  const assign = (event: FormEvent): void => {
    event.preventDefault();
    if (working || bookingNumber === '') return;
    askPin('assign');
  };

  const confirmWithPin = (event: FormEvent): void => {
    event.preventDefault();
    if (working || pinFor === null || staffPin.length < minPinDigits) return;
    const what = pinFor;
    const pin = staffPin;
    // The digits leave this component's state before the call: nothing keeps them once it is made.
    cancelPin();
    setOutcome({ kind: 'working', what });
    if (what === 'assign') {
      api.call('service.assignTablet', { bookingNumber, staffPin: pin }).then((result) => {
        if (result.assigned) {
          setOutcome({ kind: 'assigned', assignee: result.assignee, recordsArrived: result.recordsArrived });
          setBookingNumber('');
        } else {
          setOutcome({ kind: 'assignRefused', error: result.error, ...countOf(result) });
        }
        reload();
      }, callFailed);
    } else {
      api.call('service.unassignTablet', { confirm: 'unassign', staffPin: pin }).then((result) => {
        setOutcome(
          result.unassigned
            ? { kind: 'unassigned', previous: result.previous }
            : { kind: 'unassignRefused', error: result.error, unsent: result.unsent, ...countOf(result) },
        );
        reload();
      }, callFailed);
    }
  };

  const unassign = (): void => {
    setConfirming(false);
    askPin('unassign');
  };

  const assignee = overview?.tabletAssignee ?? null;
  return (
    <section className="service-section" data-testid="service-tablet" aria-labelledby="service-tablet-title">
      <h2 id="service-tablet-title" className="service-section__title">
        {t('service.sections.tablet')}
      </h2>
      {failure !== null ? <p className="notice notice--problem">{t(`errors.${failure}`)}</p> : null}
      {overview !== null && overview.mode === 'kiosk' ? <p className="screen__hint">{t('service.tablet.kioskHint')}</p> : null}
      {overview !== null && overview.mode === 'tablet' && pinFor !== null ? (
        <form className="tablet-assign" onSubmit={confirmWithPin} data-testid="tablet-staff-pin-form">
          <h3 className="compose__title">{t('service.tablet.staffPinTitle')}</h3>
          <p className="screen__hint">{t(pinFor === 'assign' ? 'service.tablet.staffPinAssignHint' : 'service.tablet.staffPinUnassignHint')}</p>
          <label className="compose__label" htmlFor="tablet-staff-pin">
            {t('service.tablet.staffPin')}
          </label>
          {/* Dots, never the digits. */}
          <input
            id="tablet-staff-pin"
            className="search__input tablet-assign__field"
            type="password"
            autoComplete="off"
            readOnly
            value={staffPin}
            data-testid="tablet-staff-pin"
          />
          <NumberPad
            disabled={working}
            onDigit={(digit) => setStaffPin((current) => (current.length < maxPinDigits ? current + digit : current))}
            onBack={() => setStaffPin((current) => current.slice(0, -1))}
            onClear={() => setStaffPin('')}
          />
          <button
            type="submit"
            className="button button--primary button--wide"
            disabled={working || staffPin.length < minPinDigits}
            data-testid="tablet-staff-pin-confirm"
          >
            {t('service.tablet.staffPinConfirm')}
          </button>
          <button type="button" className="button button--wide" onClick={cancelPin} data-testid="tablet-staff-pin-cancel">
            {t('service.cancel')}
          </button>
        </form>
      ) : null}
      {overview !== null && overview.mode === 'tablet' && pinFor === null ? (
        <>
          {/* Names are text nodes: shown, never interpreted. */}
          <p className="screen__lead" data-testid="tablet-assignee">
            {assignee === null
              ? t('service.tablet.notAssigned')
              : t('service.tablet.assignedTo', { name: assignee.displayName, booking: assignee.bookingNumber })}
          </p>
          {assignee === null ? (
            <form className="tablet-assign" onSubmit={assign} data-testid="tablet-assign-form">
              <h3 className="compose__title">{t('service.tablet.assignTitle')}</h3>
              <p className="screen__hint">{t('service.tablet.assignHint')}</p>
              <label className="compose__label" htmlFor="tablet-booking-number">
                {t('service.tablet.bookingNumber')}
              </label>
              <input
                id="tablet-booking-number"
                className="search__input tablet-assign__field"
                inputMode="numeric"
                autoComplete="off"
                readOnly
                value={bookingNumber}
                data-testid="tablet-booking-number"
              />
              <NumberPad
                disabled={working}
                onDigit={(digit) => edit((current) => (current.length < maxBookingDigits ? current + digit : current))}
                onBack={() => edit((current) => current.slice(0, -1))}
                onClear={() => edit(() => '')}
              />
              <button type="submit" className="button button--primary button--wide" disabled={working || bookingNumber === ''} data-testid="tablet-assign">
                {t('service.tablet.assignButton')}
              </button>
            </form>
          ) : (
            <>
              <h3 className="compose__title">{t('service.tablet.unassignTitle')}</h3>
              <p className="screen__hint">{t('service.tablet.unassignHint')}</p>
              <button
                type="button"
                className="button button--danger button--wide"
                disabled={working}
                onClick={() => setConfirming(true)}
                data-testid="tablet-unassign"
              >
                {t('service.tablet.unassignButton')}
              </button>
            </>
          )}
        </>
      ) : null}
      <div className="notice-area" role="status" data-testid="tablet-outcome">
        <OutcomeText outcome={outcome} language={language} />
      </div>
      {confirming && assignee !== null ? (
        <ConfirmDialog
          title={t('service.tablet.unassignConfirmTitle', { name: assignee.displayName })}
          text={t('service.tablet.unassignConfirmText', { name: assignee.displayName })}
          confirmLabel={t('service.tablet.unassignConfirm')}
          cancelLabel={t('service.cancel')}
          onConfirm={unassign}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </section>
  );
}

function OutcomeText({ outcome, language }: { outcome: Outcome; language: LanguageCode }) {
  const { t } = useTranslation();
  switch (outcome.kind) {
    case 'none':
      return null;
    case 'working':
      return <p className="notice">{t(outcome.what === 'assign' ? 'service.tablet.assigning' : 'service.tablet.unassigning')}</p>;
    case 'assigned':
      return (
        <p className="notice">
          {t(outcome.recordsArrived ? 'service.tablet.assigned' : 'service.tablet.assignedWaiting', {
            name: outcome.assignee.displayName,
            booking: outcome.assignee.bookingNumber,
          })}
        </p>
      );
    case 'assignRefused':
      return (
        <p className="notice notice--problem">
          {t(`service.tablet.assignErrors.${outcome.error}`)}
          <PinCountText count={outcome} language={language} />
        </p>
      );
    case 'unassigned':
      return <p className="notice">{t('service.tablet.unassigned', { name: outcome.previous.displayName })}</p>;
    case 'unassignRefused':
      return (
        <p className="notice notice--problem">
          {t(`service.tablet.unassignErrors.${outcome.error}`)}
          {outcome.unsent > 0 ? ` ${t('service.tablet.unsentItems', { count: outcome.unsent })}` : null}
          <PinCountText count={outcome} language={language} />
        </p>
      );
    case 'callFailed':
      return <p className="notice notice--problem">{t(`errors.${outcome.code}`)}</p>;
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

function countOf(result: PinCount): PinCount {
  return {
    ...(result.attemptsLeft === undefined ? {} : { attemptsLeft: result.attemptsLeft }),
    ...(result.lockedUntil === undefined ? {} : { lockedUntil: result.lockedUntil }),
  };
}

/** The hub's count in words: tries left after a wrong PIN, or when a lockout ends. */
function PinCountText({ count, language }: { count: PinCount; language: LanguageCode }) {
  const { t } = useTranslation();
  if (count.lockedUntil !== undefined) return <> {t('service.tablet.staffLockedUntil', { time: formatTime(count.lockedUntil, language) })}</>;
  if (count.attemptsLeft !== undefined) return <> {t('service.tablet.staffAttemptsLeft', { count: count.attemptsLeft })}</>;
  return null;
}
