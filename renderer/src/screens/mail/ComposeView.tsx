import { useEffect, useEffectEvent, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { characterCount, maxMessageCharacters, type CostResult, type LanguageCode, type MailContact, type MailRefusal } from '../../../../main/contract';
import { DeviceApiError, type DeviceClient } from '../../api/client';
import { Name } from '../../components/MessageText';
import { MessagingPauseNotice } from '../../components/MessagingPauseNotice';
import { OnScreenKeyboard } from '../../components/OnScreenKeyboard';
import { useHomeSummary } from '../../hooks/useHomeSummary';
import { ScreenFrame } from '../../frame/ScreenFrame';

export interface ComposeTarget {
  contact: MailContact;
  replyToMessageId: string | null;
  draftId: string;
  body: string;
}

interface ComposeViewProps {
  navigation: ReactNode;
  api: DeviceClient;
  target: ComposeTarget;
  language: LanguageCode;
  onSent(): void;
  onBack(): void;
  onGoToStamps(): void;
}

const costDelayMs = 250;
const draftDelayMs = 600;

function RefusalNotice({ refusal, onGoToStamps }: { refusal: MailRefusal; onGoToStamps(): void }) {
  const { t } = useTranslation();
  const words = ((): string => {
    switch (refusal.reason) {
      case 'notEnoughStamps':
        return t('mail.refusal.notEnoughStamps', { needed: refusal.needed, available: refusal.available });
      case 'tooLong':
        return t('mail.refusal.tooLong', { maxCharacters: refusal.maxCharacters });
      case 'contactNotApproved':
      case 'emptyMessage':
      case 'rulesNotSynced':
      case 'replyTargetGone':
        return t(`mail.refusal.${refusal.reason}`);
      default: {
        const unreachable: never = refusal;
        return unreachable;
      }
    }
  })();
  return (
    <div className="notice notice--problem" role="alert" data-testid="send-refusal">
      <p className="notice__text">{words}</p>
      {refusal.reason === 'notEnoughStamps' ? (
        <button type="button" className="button button--secondary" onClick={onGoToStamps}>
          {t('mail.compose.goToStamps')}
        </button>
      ) : null}
    </div>
  );
}

/** Writing a message: the cost before sending, when the next stamp starts, the refund rule, and a draft saved as the person types. */
export function ComposeView({ navigation, api, target, language, onSent, onBack, onGoToStamps }: ComposeViewProps) {
  const { t } = useTranslation();
  const [body, setBody] = useState(target.body);
  // The pause staff may have set is in the home summary: said here before the person writes a letter the facility would refuse.
  const messagingPause = useHomeSummary(api)?.messagingPause ?? null;
  const [cost, setCost] = useState<CostResult | null>(null);
  const [refusal, setRefusal] = useState<MailRefusal | null>(null);
  const [draftState, setDraftState] = useState<'saved' | 'saving' | null>(null);
  const [sending, setSending] = useState(false);
  const [keyboardShown, setKeyboardShown] = useState(true);
  /** Why the runtime would not take the letter: its text (the text rule refused it), or anything else. */
  const [failed, setFailed] = useState<'textNotAccepted' | 'internal' | null>(null);
  /**
   * Set while the device's disk is full (a draft or the letter was refused with deviceFull): the person is told in
   * words, and what they typed stays in the field. Cleared by the next draft that saves, once there is room again.
   */
  const [deviceFull, setDeviceFull] = useState(false);
  // How many characters of the last paste or keys did not fit: said in words, never cut silently. Counted as people
  // count them (an emoji is one), by the same rule as the contract and the hub.
  const [cutCharacters, setCutCharacters] = useState(0);
  const changeBody = (next: string): void => {
    const length = characterCount(next);
    if (length <= maxMessageCharacters) {
      setCutCharacters(0);
      setBody(next);
      return;
    }
    setCutCharacters(length - maxMessageCharacters);
    setBody(Array.from(next).slice(0, maxMessageCharacters).join(''));
  };
  /** The text last handed to the device to save; null after a save the full disk refused, so the next one tries again. */
  const savedBody = useRef<string | null>(target.body);
  const contactId = target.contact.contactId;
  const replyToMessageId = target.replyToMessageId;

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      api.call('mail.cost', { contactId, replyToMessageId, body }).then(
        (result) => current && setCost(result),
        () => undefined,
      );
    }, costDelayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, contactId, replyToMessageId, body]);

  /**
   * Set from the moment Send is pressed until the device answers: no draft is saved meanwhile, because a save that
   * reached the device after the letter would bring back the draft the letter used up (a slow device sent the letter
   * and kept it as a draft too).
   */
  const sendingNow = useRef(false);
  /** The save the device has not answered yet, so Send waits for it and the letter always comes after it. */
  const pendingSave = useRef<Promise<unknown> | null>(null);
  const saveDraft = (text: string) => {
    if (sendingNow.current || text === savedBody.current) return;
    savedBody.current = text;
    setDraftState('saving');
    const saving = api.call('mail.saveDraft', { draftId: target.draftId, contactId, replyToMessageId, body: text });
    pendingSave.current = saving;
    saving.then(
      () => {
        setDraftState('saved');
        setDeviceFull(false);
      },
      (error: unknown) => {
        setDraftState(null);
        if (error instanceof DeviceApiError && error.code === 'deviceFull') {
          setDeviceFull(true);
          // Not saved: the next key (or the way out) tries again, so a draft saves by itself once there is room.
          savedBody.current = null;
        }
      },
    );
  };
  // Saved a moment after the last key, and again on the way out, so sign-out or a crash loses at most that moment.
  // saveDraft reads the latest props and state; as an effect event it is not a reason to reschedule the save.
  const saveDraftNow = useEffectEvent((text: string) => saveDraft(text));
  const latestBody = useRef(body);
  const bodyField = useRef<HTMLTextAreaElement>(null);
  useLayoutEffect(() => {
    latestBody.current = body;
  }, [body]);
  useEffect(() => {
    const timer = setTimeout(() => saveDraftNow(body), draftDelayMs);
    return () => clearTimeout(timer);
  }, [body]);
  useEffect(() => () => saveDraftNow(latestBody.current), []);

  const send = async () => {
    setSending(true);
    setFailed(null);
    sendingNow.current = true;
    let sent = false;
    try {
      await pendingSave.current?.catch(() => undefined);
      const result = await api.call('mail.send', { contactId, replyToMessageId, body, draftId: target.draftId });
      if (result.ok) {
        sent = true;
        savedBody.current = body;
        latestBody.current = body;
        onSent();
      } else {
        setRefusal(result.refusal);
      }
    } catch (error) {
      // The contract refuses a letter the text rule refuses (NUL, ESC, broken text) as invalidInput.
      if (error instanceof DeviceApiError && error.code === 'deviceFull') setDeviceFull(true);
      else setFailed(error instanceof DeviceApiError ? (error.code === 'invalidInput' ? 'textNotAccepted' : 'internal') : null);
    } finally {
      // Not sent: what is in the field is still the person's draft, saved as it stands (the saves held back meanwhile).
      sendingNow.current = sent;
      if (!sent) saveDraft(latestBody.current);
      setSending(false);
    }
  };

  const preview = cost?.ok ? cost.cost : null;
  return (
    <ScreenFrame
      screen="mail"
      dataAttributes={{ 'data-view': 'compose' }}
      title={
        <>
          {target.replyToMessageId === null ? t('mail.compose.titleNew', { name: '' }) : t('mail.compose.titleReply', { name: '' })}
          <Name text={target.contact.displayName} />
        </>
      }
      navigation={navigation}
      actions={
        <>
          <button type="button" className="button button--secondary action--back" onClick={onBack}>
            {t('mail.compose.cancel')}
          </button>
          <button type="button" className="button button--secondary" data-testid="keyboard-toggle" onClick={() => setKeyboardShown((shown) => !shown)}>
            {keyboardShown ? t('mail.keyboard.hide') : t('mail.keyboard.show')}
          </button>
          <button
            type="button"
            className="button button--primary button--wide"
            data-testid="send"
            // A letter written during a pause stays a draft: the facility would refuse it, so it is not sent to be refused.
            disabled={sending || messagingPause !== null || body.trim() === '' || (preview !== null && !preview.enoughStamps)}
            onClick={() => void send()}
          >
            {sending ? t('mail.compose.sending') : t('mail.compose.send')}
          </button>
        </>
      }
      keyboard={keyboardShown ? <OnScreenKeyboard language={language} value={body} onChange={changeBody} field={bodyField} /> : null}
    >
      <div className="compose" data-testid="compose">
        {/* Above the letter, where it is in view at every text size with the keyboard docked: while it holds, Send waits. */}
        {messagingPause === null ? null : <MessagingPauseNotice pause={messagingPause} language={language} />}
        <label className="compose__label" htmlFor="compose-body">
          {t('mail.compose.label')}
        </label>
        <textarea
          ref={bodyField}
          id="compose-body"
          className="compose__body"
          dir="auto"
          value={body}
          onChange={(event) => changeBody(event.target.value)}
          data-testid="compose-body"
        />
        <div className="compose__facts" aria-live="polite">
          {/* First, right under the letter: with the keyboard open, anything lower is out of sight. */}
          {deviceFull ? (
            <p className="notice notice--problem" role="alert" data-testid="compose-device-full">
              {t('mail.compose.deviceFull')}
            </p>
          ) : null}
          {cutCharacters === 0 ? null : (
            <p className="notice notice--problem" role="alert" data-testid="compose-cut">
              {t('mail.compose.cut', { count: cutCharacters, max: maxMessageCharacters })}
            </p>
          )}
          {preview === null ? null : (
            <>
              <p className="compose__counter" data-testid="compose-counter">
                {t('mail.compose.characters', { count: preview.characters })} · {t('mail.compose.untilNextStamp', { count: preview.charactersUntilNextStamp })}
              </p>
              <p className="compose__cost" data-testid="compose-cost">
                {t('mail.compose.cost', { count: preview.totalStamps })} {preview.coveredByReturnStamp > 0 ? t('mail.compose.paidByReturnStamp') : ''}{' '}
                {preview.fromOwnStamps === 0 ? t('mail.compose.nothingFromYourStamps') : t('mail.compose.fromYourStamps', { count: preview.fromOwnStamps })}{' '}
                {preview.stampsAvailable === null ? t('mail.compose.stampsNotConfirmed') : t('mail.compose.youHave', { count: preview.stampsAvailable })}
              </p>
              <p className="compose__rule" data-testid="compose-refund-rule">
                {preview.refundOnRejection ? t('mail.compose.refundYes') : t('mail.compose.refundNo')}
              </p>
            </>
          )}
          {cost !== null && !cost.ok && cost.refusal.reason !== 'emptyMessage' ? <RefusalNotice refusal={cost.refusal} onGoToStamps={onGoToStamps} /> : null}
          {refusal === null && preview !== null && !preview.enoughStamps ? (
            <RefusalNotice
              refusal={{ reason: 'notEnoughStamps', needed: preview.fromOwnStamps, available: preview.stampsAvailable ?? 0 }}
              onGoToStamps={onGoToStamps}
            />
          ) : null}
          {refusal === null ? null : <RefusalNotice refusal={refusal} onGoToStamps={onGoToStamps} />}
          {failed === null ? null : (
            <p className="notice notice--problem" role="alert" data-testid="send-failed">
              {failed === 'textNotAccepted' ? t('mail.compose.textNotAccepted') : t('errors.internal')}
            </p>
          )}
          <p className="compose__draft" data-testid="draft-state">
            {draftState === 'saved' ? t('mail.compose.draftSaved') : draftState === 'saving' ? t('mail.compose.saving') : ''}
          </p>
        </div>
      </div>
    </ScreenFrame>
  );
}
