// Mail: the inbox, one conversation, writing, drafts and search — one thing on screen at a time. What is shown is
// fetched again after each sync, so a reply's timeline moves while the person watches.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation, ConversationSummary, LanguageCode, MailContact, MailDraft } from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';
import { ComposeView, type ComposeTarget } from './ComposeView';
import { ConversationView } from './ConversationView';
import { DraftsView } from './DraftsView';
import { MailInbox } from './MailInbox';
import { SearchView } from './SearchView';
import { StoppedLetters } from './StoppedLetters';

type MailView =
  | { kind: 'inbox' }
  /**
   * focusMessageId: the letter to open at (a search hit); otherwise the newest. firstPage: the newest page, asked for
   * when the row was pressed.
   */
  | { kind: 'conversation'; contactId: string; focusMessageId: string | null; firstPage: Promise<Conversation> | null }
  | { kind: 'compose'; target: ComposeTarget; returnTo: string }
  | { kind: 'drafts' }
  | { kind: 'search' };

interface MailScreenProps {
  api: DeviceClient;
  language: LanguageCode;
  onClose(): void;
  onGoToStamps(): void;
  /** The site's time zone (DeviceInfo.timeZone), for the stopped-letter notices; null: the device's own. */
  timeZone?: string | null;
}

/** Calls `load` now and after each finished sync; the answer is dropped if the view moved on meanwhile. */
function useSynced<T>(api: DeviceClient, load: (() => Promise<T>) | null): [T | null, () => void] {
  const [value, setValue] = useState<T | null>(null);
  const [generation, setGeneration] = useState(0);
  const refresh = useCallback(() => setGeneration((n) => n + 1), []);
  useEffect(() => {
    if (load === null) return undefined;
    let current = true;
    const fetchNow = () => {
      load().then(
        (next) => current && setValue(next),
        () => undefined,
      );
    };
    fetchNow();
    const stop = api.on('sync.statusChanged', (status) => {
      if (status.state !== 'pulling' && status.state !== 'pushing') fetchNow();
    });
    return () => {
      current = false;
      stop();
    };
  }, [api, load, generation]);
  return [value, refresh];
}

const newDraftId = (): string => crypto.randomUUID();

/** The longest a press on a conversation's row may come before its tap and still lend it the page it asked for. */
const pressToTapMs = 1_000;

export function MailScreen({ api, language, onClose, onGoToStamps, timeZone = null }: MailScreenProps) {
  const { t } = useTranslation();
  const [view, setView] = useState<MailView>({ kind: 'inbox' });

  const loadConversations = useCallback(() => api.call('mail.conversations', {}), [api]);
  const loadDrafts = useCallback(() => api.call('mail.drafts', {}), [api]);
  const [conversations, refreshConversations] = useSynced<ConversationSummary[]>(api, view.kind === 'inbox' ? loadConversations : null);
  const [drafts] = useSynced<MailDraft[]>(api, view.kind === 'drafts' ? loadDrafts : null);

  // A conversation's first page is asked for when a finger comes down on its row, not when the tap ends: a tap is 50 to
  // 150 ms from press to release, and the answer is on its way meanwhile. A press that did not become a tap soon
  // after (the finger slid off) is not used.
  const pressed = useRef<{ contactId: string; at: number; page: Promise<Conversation> } | null>(null);
  const press = useCallback(
    (contactId: string) => {
      const page = api.call('mail.conversation', { contactId, page: { kind: 'newest' } });
      // Unused when the press does not become a tap; the view asks again and hears the refusal itself.
      page.catch(() => undefined);
      pressed.current = { contactId, at: performance.now(), page };
    },
    [api],
  );
  const openConversation = (id: string, focusMessageId: string | null = null) => {
    const lastPress = pressed.current;
    pressed.current = null;
    const firstPage =
      focusMessageId === null && lastPress !== null && lastPress.contactId === id && performance.now() - lastPress.at < pressToTapMs ? lastPress.page : null;
    setView({ kind: 'conversation', contactId: id, focusMessageId, firstPage });
  };
  // "Write to X" picks up the draft already started to X (a new letter, not a reply) instead of starting a second one.
  const writeTo = async (contact: MailContact, returnTo: string): Promise<void> => {
    const saved = await api.call('mail.drafts', {}).catch(() => [] as MailDraft[]);
    const existing = saved.find((draft) => draft.contactId === contact.contactId && draft.replyToMessageId === null);
    setView({
      kind: 'compose',
      returnTo,
      target: { contact, replyToMessageId: null, draftId: existing?.draftId ?? newDraftId(), body: existing?.body ?? '' },
    });
  };
  const resume = (draft: MailDraft) => {
    const contact = conversations?.find((row) => row.contact.contactId === draft.contactId)?.contact;
    setView({
      kind: 'compose',
      returnTo: draft.contactId,
      target: {
        contact: contact ?? { contactId: draft.contactId, displayName: draft.contactName, relationship: '', approved: true },
        replyToMessageId: draft.replyToMessageId,
        draftId: draft.draftId,
        body: draft.body,
      },
    });
  };

  const toInbox = () => {
    refreshConversations();
    setView({ kind: 'inbox' });
  };
  // Every mail view's way to the others, in the frame's top bar; the view's own actions are in its action bar.
  const navigation = (
    <>
      <button type="button" className="button button--secondary" data-testid="mail-home" onClick={onClose}>
        {t('mail.backHome')}
      </button>
      {view.kind === 'inbox' ? null : (
        <button type="button" className="button button--secondary" data-testid="mail-inbox" onClick={toInbox}>
          {t('mail.backToInbox')}
        </button>
      )}
      <button
        type="button"
        className="button button--secondary"
        data-testid="mail-drafts"
        aria-pressed={view.kind === 'drafts'}
        onClick={() => setView({ kind: 'drafts' })}
      >
        {t('mail.drafts')}
      </button>
      <button
        type="button"
        className="button button--secondary"
        data-testid="mail-search"
        aria-pressed={view.kind === 'search'}
        onClick={() => setView({ kind: 'search' })}
      >
        {t('mail.search')}
      </button>
    </>
  );

  switch (view.kind) {
    case 'inbox':
      return (
        <MailInbox
          navigation={navigation}
          notices={<StoppedLetters api={api} language={language} timeZone={timeZone} />}
          conversations={conversations}
          language={language}
          onOpen={openConversation}
          onPress={press}
        />
      );
    case 'conversation':
      return (
        <ConversationView
          // Another contact or letter to open at is another view: nothing held, scrolled or marked carries over.
          key={`${view.contactId} ${view.focusMessageId ?? ''}`}
          navigation={navigation}
          api={api}
          contactId={view.contactId}
          focusMessageId={view.focusMessageId}
          firstPage={view.firstPage}
          language={language}
          onRead={refreshConversations}
          onWrite={(contact) => void writeTo(contact, view.contactId)}
          onReply={(contact, message) =>
            setView({ kind: 'compose', returnTo: view.contactId, target: { contact, replyToMessageId: message.messageId, draftId: newDraftId(), body: '' } })
          }
        />
      );
    case 'compose':
      return (
        <ComposeView
          navigation={navigation}
          api={api}
          target={view.target}
          language={language}
          onSent={() => openConversation(view.returnTo)}
          onBack={() => openConversation(view.returnTo)}
          onGoToStamps={onGoToStamps}
        />
      );
    case 'drafts':
      return <DraftsView navigation={navigation} drafts={drafts} language={language} onResume={resume} />;
    case 'search':
      return <SearchView navigation={navigation} api={api} language={language} onOpen={openConversation} />;
    default: {
      const unreachable: never = view;
      return unreachable;
    }
  }
}
