import { observeElementOffset, useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  conversationPageSize,
  type Conversation,
  type ConversationPageRequest,
  type LanguageCode,
  type MailContact,
  type MailMessage,
} from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';
import { useIsolated } from '../../i18n/bidi';
import { formatWhen } from '../../i18n/format';
import { MessageText, Name } from '../../components/MessageText';
import { ReadAloudButton } from '../../components/ReadAloudButton';
import { ScreenFrame } from '../../frame/ScreenFrame';
import { useFacilityUnreachable } from '../../hooks/useFacilityUnreachable';
import { LetterAttachments } from './LetterAttachments';
import { PictureViewer } from './PictureViewer';
import { SentTimeline } from './SentTimeline';

interface ConversationViewProps {
  navigation: ReactNode;
  api: DeviceClient;
  contactId: string;
  /** The letter to open at (a search hit); null opens at the newest. */
  focusMessageId: string | null;
  /** The newest page, already asked for when the person pressed the conversation's row; null: the view asks itself. */
  firstPage?: Promise<Conversation> | null;
  language: LanguageCode;
  onReply(contact: MailContact, message: MailMessage): void;
  onWrite(contact: MailContact): void;
  /** After letters were marked read, so the inbox's counts can be fetched again. */
  onRead(): void;
}

/** A letter's height in px at the base text size before it is measured; each is measured once on screen. */
const estimatedLetterHeight = 220;

/** What the screen holds of the conversation: the letters fetched so far by position, and how many there are. */
interface LoadedLetters {
  contact: MailContact;
  total: number;
  newestMessageId: string | null;
  byPosition: ReadonlyMap<number, MailMessage>;
  /** The request whose answer last set the total: an older answer never takes the conversation back. */
  askedAs: number;
}

/**
 * A page merged into what is held. A page that says the conversation changed (a letter arrived, so positions moved)
 * replaces it all — unless it answers a request older than the one that set what is held.
 */
function merged(held: LoadedLetters | null, page: Conversation, askedAs: number): LoadedLetters {
  const sameLetters = held !== null && held.total === page.total && held.newestMessageId === page.newestMessageId;
  if (held !== null && !sameLetters && askedAs < held.askedAs) return held;
  const byPosition = new Map(sameLetters ? held.byPosition : []);
  page.messages.forEach((message, index) => byPosition.set(page.firstPosition + index, message));
  // The same contact keeps its object, so the memoized letters are not all rendered again for each page that arrives.
  const contact = held !== null && JSON.stringify(held.contact) === JSON.stringify(page.contact) ? held.contact : page.contact;
  return { contact, total: page.total, newestMessageId: page.newestMessageId, byPosition, askedAs: sameLetters ? held.askedAs : askedAs };
}

interface LetterProps {
  message: MailMessage;
  contact: MailContact;
  api: DeviceClient;
  language: LanguageCode;
  facilityUnreachable: boolean;
  onOpenPicture(messageId: string, startAt: number): void;
  onReply(contact: MailContact, message: MailMessage): void;
}

/**
 * One letter. Memoized: the list re-renders on every scroll and every size it measures, and a letter that has not
 * changed is not rendered again then (its dates and timeline are most of what opening a conversation costs).
 */
const Letter = memo(function Letter({ message, contact, api, language, facilityUnreachable, onOpenPicture, onReply }: LetterProps) {
  const { t } = useTranslation();
  return (
    <article className={`letter letter--${message.direction}`} data-testid="letter" data-direction={message.direction} data-message-id={message.messageId}>
      <p className="letter__from">
        {message.direction === 'inbound' ? t('mail.from', { name: '' }) : t('mail.you')}
        {message.direction === 'inbound' ? <Name text={contact.displayName} /> : null}
        <span className="letter__when">{formatWhen(message.receivedAt ?? message.writtenAt, language)}</span>
      </p>
      <MessageText text={message.body} />
      <LetterAttachments
        messageId={message.messageId}
        attachments={message.attachments}
        onOpenPicture={(startAt) => onOpenPicture(message.messageId, startAt)}
      />
      {message.direction === 'inbound' && message.returnStampAvailable ? <p className="letter__stamp">{t('mail.returnStampIncluded')}</p> : null}
      <div className="letter__actions">
        {message.body.trim() === '' ? null : <ReadAloudButton api={api} text={() => message.body} language={language} reads="letter" />}
        {message.direction === 'inbound' && contact.approved ? (
          <button type="button" className="button button--secondary" data-testid="reply" onClick={() => onReply(contact, message)}>
            {t('mail.reply')}
          </button>
        ) : null}
      </div>
      {message.timeline === null ? null : <SentTimeline timeline={message.timeline} language={language} facilityUnreachable={facilityUnreachable} />}
    </article>
  );
});

/**
 * One person's letters, oldest first, opened at the *start* of the newest letter (or of the one a search found), so
 * the person reads it from its first line; the contact's name is the frame's title and "Write to …" its main action,
 * both always in view. The runtime sends a page of letters at a time (conversationPageSize): the list holds a place
 * for every letter, fetches the pages that scroll into view, and only the letters on screen and a few either side are
 * in the page, so a conversation of thousands opens as fast as one of ten. A letter counts as read once it has been on
 * screen, so the sender's "read" means the person had it in front of them.
 */
export function ConversationView({ navigation, api, contactId, focusMessageId, firstPage = null, language, onReply, onWrite, onRead }: ConversationViewProps) {
  const { t } = useTranslation();
  const [letters, setLetters] = useState<LoadedLetters | null>(null);
  const contact = letters?.contact ?? null;
  const total = letters?.total ?? 0;
  const facilityUnreachable = useFacilityUnreachable(api);
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualizer learns where the list is scrolled from its scroll events, which come a frame after a scroll. Where the
  // view opens it is told at once instead (readScrollNow), so the letters there are rendered before the first paint
  // rather than placeholders at the top and the letters a frame later.
  const readScrollNow = useRef<(() => void) | null>(null);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    observeElementOffset: (instance, onOffset) => {
      const stop = observeElementOffset(instance, onOffset);
      readScrollNow.current = () => onOffset(instance.scrollElement?.scrollTop ?? 0, true);
      return () => {
        readScrollNow.current = null;
        stop?.();
      };
    },
    estimateSize: () => estimatedLetterHeight,
    overscan: 6,
    getItemKey: (index) => letters?.byPosition.get(index)?.messageId ?? `position-${index}`,
  });

  // Pages asked for and not answered yet, by first position, so scrolling does not ask twice.
  const asking = useRef(new Set<number>());
  const requests = useRef(0);
  const fetchPage = useCallback(
    (page: ConversationPageRequest, alreadyAsked: Promise<Conversation> | null = null): Promise<Conversation | null> => {
      const key = page.kind === 'from' ? page.position : -1;
      if (key >= 0 && asking.current.has(key)) return Promise.resolve(null);
      if (key >= 0) asking.current.add(key);
      const askedAs = ++requests.current;
      return (alreadyAsked ?? api.call('mail.conversation', { contactId, page })).then(
        (answer) => {
          asking.current.delete(key);
          setLetters((held) => merged(held, answer, askedAs));
          return answer;
        },
        () => {
          asking.current.delete(key);
          return null;
        },
      );
    },
    [api, contactId],
  );

  // Open at the letter asked for, else the newest; fetched again after each sync, around what is on screen.
  useEffect(() => {
    setLetters(null);
    void fetchPage(focusMessageId === null ? { kind: 'newest' } : { kind: 'around', messageId: focusMessageId }, focusMessageId === null ? firstPage : null);
    return api.on('sync.statusChanged', (status) => {
      if (status.state === 'pulling' || status.state === 'pushing') return;
      const onScreen = virtualizer.getVirtualItems()[0]?.index ?? 0;
      void fetchPage({ kind: 'newest' }).then(() => fetchPage({ kind: 'from', position: onScreen }));
    });
    // The virtualizer object changes identity every render; what is on screen is read when a sync ends.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a new virtualizer each render must not refetch the conversation
  }, [api, contactId, focusMessageId, firstPage, fetchPage]);

  // Where the view opens, and again when a new newest letter arrives or is sent: at the start of that letter.
  const newestId = letters?.newestMessageId ?? null;
  const openedAt = useRef<string | null>(null);
  // Before the browser paints: the first frame the person sees is already at the letter, not at the top.
  useLayoutEffect(() => {
    if (letters === null || newestId === null) return;
    const target = openedAt.current === null && focusMessageId !== null ? focusMessageId : newestId;
    let index = -1;
    for (const [position, message] of letters.byPosition) if (message.messageId === target) index = position;
    openedAt.current = target;
    virtualizer.scrollToIndex(index >= 0 ? index : letters.total - 1, { align: 'start' });
    // Still before the paint, once this commit is done (a render cannot be flushed inside it).
    queueMicrotask(() => readScrollNow.current?.());
    // Only a new newest letter moves the view, not every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a page arriving (letters) must not scroll the person away
  }, [newestId]);

  // Places on screen whose letters have not been fetched: ask for the page that starts there.
  const virtualItems = virtualizer.getVirtualItems();
  // Not before the view has moved to where it opens: the places at the top it starts on are not what the person sees.
  const firstMissing = letters === null || openedAt.current === null ? undefined : virtualItems.find((item) => !letters.byPosition.has(item.index))?.index;
  useEffect(() => {
    if (firstMissing === undefined) return;
    // Scrolling up reaches a page's last letter first: fetch the page that ends there.
    const scrollingUp = virtualItems.length > 0 && firstMissing === virtualItems[0]?.index && letters?.byPosition.has(firstMissing + 1) === true;
    void fetchPage({ kind: 'from', position: scrollingUp ? Math.max(0, firstMissing - conversationPageSize + 1) : firstMissing });
    // Asked once per first missing place; every scroll frame's new virtualItems must not ask again.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  }, [firstMissing, fetchPage]);

  // Letters that have been on screen are read (each once); the inbox's counts follow.
  const marked = useRef(new Set<string>());
  const scrollOffset = virtualizer.scrollOffset ?? 0;
  const viewportHeight = scroller.current?.clientHeight ?? 0;
  const unreadOnScreen =
    letters === null
      ? ''
      : virtualItems
          .filter((item) => item.end > scrollOffset && item.start < scrollOffset + viewportHeight)
          .map((item) => letters.byPosition.get(item.index))
          .filter(
            (message): message is MailMessage =>
              message !== undefined && message.direction === 'inbound' && !message.read && !marked.current.has(message.messageId),
          )
          .map((message) => message.messageId)
          .join(' ');
  useEffect(() => {
    if (unreadOnScreen === '') return;
    const ids = unreadOnScreen.split(' ');
    for (const id of ids) marked.current.add(id);
    void Promise.allSettled(ids.map((messageId) => api.call('mail.markRead', { messageId }))).then(onRead);
  }, [api, unreadOnScreen, onRead]);

  // The photo viewer covers the screen; closing it puts the person back exactly where they were reading.
  const [viewing, setViewing] = useState<{ messageId: string; startAt: number; scrollTop: number } | null>(null);
  const restoreScrollTop = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (viewing !== null || restoreScrollTop.current === null || scroller.current === null) return;
    scroller.current.scrollTop = restoreScrollTop.current;
    restoreScrollTop.current = null;
  }, [viewing]);
  const openPicture = useCallback((messageId: string, startAt: number) => setViewing({ messageId, startAt, scrollTop: scroller.current?.scrollTop ?? 0 }), []);
  // The screen above passes a new onReply each time it renders; the letters keep one, so they are not rendered again for it.
  const latestOnReply = useRef(onReply);
  useLayoutEffect(() => {
    latestOnReply.current = onReply;
  }, [onReply]);
  const reply = useCallback((replyTo: MailContact, message: MailMessage) => latestOnReply.current(replyTo, message), []);
  const isolated = useIsolated();
  const viewedMessage =
    viewing === null || letters === null ? undefined : [...letters.byPosition.values()].find((message) => message.messageId === viewing.messageId);

  return (
    <ScreenFrame
      screen="mail"
      dataAttributes={{ 'data-view': 'conversation', 'data-contact-id': contactId, 'data-testid': 'conversation-view' }}
      title={contact === null ? '' : <Name text={contact.displayName} />}
      subtitle={contact !== null && !contact.approved ? t('mail.notApproved') : null}
      navigation={navigation}
      contentScrollsItself
      actions={
        contact?.approved === true ? (
          <button type="button" className="button button--primary button--wide write-button" data-testid="write" onClick={() => onWrite(contact)}>
            {t('mail.write', { name: isolated(contact.displayName) })}
          </button>
        ) : null
      }
    >
      {letters !== null && total === 0 ? <p className="screen__lead frame__lead">{t('mail.conversationEmpty')}</p> : null}
      <div className="conversation__scroller" ref={scroller} data-testid="conversation-scroller" data-scroll-region="" data-letters={total} tabIndex={-1}>
        <ol className="conversation__messages" style={{ height: virtualizer.getTotalSize() }}>
          {contact === null || letters === null
            ? null
            : virtualItems.map((item) => {
                const message = letters.byPosition.get(item.index);
                if (message === undefined)
                  return (
                    <li
                      key={item.key}
                      className="conversation__slot conversation__slot--loading"
                      data-index={item.index}
                      aria-busy="true"
                      style={{ height: estimatedLetterHeight, transform: `translateY(${item.start}px)` }}
                    />
                  );
                return (
                  <li
                    key={item.key}
                    className="conversation__slot"
                    data-index={item.index}
                    ref={virtualizer.measureElement}
                    style={{ transform: `translateY(${item.start}px)` }}
                  >
                    <Letter
                      message={message}
                      contact={contact}
                      api={api}
                      language={language}
                      facilityUnreachable={facilityUnreachable}
                      onOpenPicture={openPicture}
                      onReply={reply}
                    />
                  </li>
                );
              })}
        </ol>
      </div>
      {viewing !== null && viewedMessage !== undefined ? (
        <PictureViewer
          messageId={viewedMessage.messageId}
          pictures={viewedMessage.attachments.filter((attachment) => attachment.kind !== 'video' && attachment.state === 'ready')}
          startAt={viewing.startAt}
          onClose={() => {
            restoreScrollTop.current = viewing.scrollTop;
            setViewing(null);
          }}
        />
      ) : null}
    </ScreenFrame>
  );
}
