// The hub address and the one-time code, typed on the on-screen keyboard (most kiosks have no other), with the
// failure said in words. Used by the first-boot enrollment screen and by service mode's re-enroll.
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnrollmentErrorCode, EnrollResult, LanguageCode } from '../../../../main/contract';
import { DeviceApiError } from '../../api/client';
import { OnScreenKeyboard } from '../../components/OnScreenKeyboard';
import { enrollmentErrorText } from './enrollmentWords';

/** Pieces of a web address the letter layouts make awkward to reach. */
const addressKeys = ['https://', '.', ':', '/', '-'] as const;
/** What an enrollment code looks like, as printed by the hub: the same in every language, so no words to translate. */
const enrollmentCodeExample = 'ABCD-2345';

interface EnrollmentFormProps {
  language: LanguageCode;
  suggestedHubUrl: string | null;
  submitLabel: string;
  enroll(hubUrl: string, code: string): Promise<EnrollResult>;
  onEnrolled?(result: Extract<EnrollResult, { enrolled: true }>): void;
}

type Outcome =
  | { kind: 'none' }
  | { kind: 'refused'; code: EnrollmentErrorCode }
  | { kind: 'callFailed'; code: DeviceApiError['code'] }
  | { kind: 'enrolled'; siteName: string };

export function EnrollmentForm({ language, suggestedHubUrl, submitLabel, enroll, onEnrolled }: EnrollmentFormProps) {
  const { t } = useTranslation();
  const [hubUrl, setHubUrl] = useState(suggestedHubUrl ?? 'https://');
  const [code, setCode] = useState('');
  const [editing, setEditing] = useState<'hubUrl' | 'code'>(suggestedHubUrl === null ? 'hubUrl' : 'code');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });
  const hubField = useRef<HTMLInputElement>(null);
  const codeField = useRef<HTMLInputElement>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setOutcome({ kind: 'none' });
    enroll(hubUrl, code).then(
      (result) => {
        setBusy(false);
        if (result.enrolled) {
          setOutcome({ kind: 'enrolled', siteName: result.siteName });
          onEnrolled?.(result);
        } else {
          setOutcome({ kind: 'refused', code: result.error });
        }
      },
      (error: unknown) => {
        setBusy(false);
        setOutcome({ kind: 'callFailed', code: error instanceof DeviceApiError ? error.code : 'internal' });
      },
    );
  };

  const typeAddressPiece = (piece: string) => {
    setEditing('hubUrl');
    setHubUrl((current) => (piece === 'https://' ? `https://${current.replace(/^https?:\/\//, '')}` : current + piece));
    hubField.current?.focus();
  };

  return (
    <form className="enrollment-form" onSubmit={submit} data-testid="enrollment-form">
      <label className="compose__label" htmlFor="enrollment-hub-url">
        {t('enrollment.hubUrlLabel')}
      </label>
      <input
        ref={hubField}
        id="enrollment-hub-url"
        className="search__input enrollment-form__field"
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
        dir="ltr"
        value={hubUrl}
        maxLength={2048}
        onFocus={() => setEditing('hubUrl')}
        onChange={(event) => setHubUrl(event.target.value)}
        data-testid="enrollment-hub-url"
      />
      <div className="enrollment-form__address-keys" aria-label={t('enrollment.addressKeys')}>
        {addressKeys.map((piece) => (
          <button key={piece} type="button" className="button button--secondary" onClick={() => typeAddressPiece(piece)}>
            {piece}
          </button>
        ))}
      </div>
      <label className="compose__label" htmlFor="enrollment-code">
        {t('enrollment.codeLabel')}
      </label>
      <input
        ref={codeField}
        id="enrollment-code"
        className="search__input enrollment-form__field enrollment-form__code"
        autoComplete="off"
        spellCheck={false}
        dir="ltr"
        placeholder={enrollmentCodeExample}
        value={code}
        maxLength={64}
        onFocus={() => setEditing('code')}
        onChange={(event) => setCode(event.target.value)}
        data-testid="enrollment-code"
      />
      <p className="screen__hint">{t('enrollment.codeHint')}</p>
      <div className="notice-area" role="status" aria-live="polite" data-testid="enrollment-outcome">
        {outcome.kind === 'refused' ? <p className="notice notice--problem">{enrollmentErrorText(t, outcome.code)}</p> : null}
        {outcome.kind === 'callFailed' ? <p className="notice notice--problem">{t(`errors.${outcome.code}`)}</p> : null}
        {outcome.kind === 'enrolled' ? <p className="notice">{t('enrollment.enrolled', { site: outcome.siteName })}</p> : null}
        {busy ? <p className="notice">{t('enrollment.enrolling')}</p> : null}
      </div>
      <button
        type="submit"
        className="button button--primary button--wide"
        disabled={busy || code.trim() === '' || hubUrl.trim() === ''}
        data-testid="enrollment-submit"
      >
        {submitLabel}
      </button>
      {editing === 'hubUrl' ? (
        <OnScreenKeyboard language={language} value={hubUrl} onChange={setHubUrl} singleLine field={hubField} />
      ) : (
        <OnScreenKeyboard language={language} value={code} onChange={setCode} singleLine field={codeField} />
      )}
    </form>
  );
}
