import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation, LanguageCode, MailContact, MailMessage } from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';
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
  /** Null until the runtime has answered for this contact. */
  conversation: Conversation | null;
  /** The letter to open at (a search hit); null opens at the newest. */
  focusMessageId: string | null;
  language: LanguageCode;
  onReply(contact: MailContact, message: MailMessage): void;
  onWrite(contact: MailContact): void;
  /** After messages were marked read, so the counts can be fetched again. */
  onRead(): void;
}

/** A letter's height in px at the base text size before it is measured; each is measured once on screen. */
const estimatedLetterHeight = 220;

/**
 * One person's letters, oldest first, opened at the *start* of the newest letter (or of the one a search found), so
 * the person reads it from its first line; the contact's name is the frame's title and "Write to …" its main action,
 * both always in view. Only the letters on screen and a few either side are in the page, so a conversation of
 * thousands opens as fast as one of ten. Opening the conversation marks its letters read.
 */
export function ConversationView({ navigation, api, contactId, conversation, focusMessageId, language, onReply, onWrite, onRead }: ConversationViewProps) {
  const { t } = useTranslation();
  const messages = conversation?.messages ?? [];
  const contact = conversation?.contact ?? null;
  const facilityUnreachable = useFacilityUnreachable(api);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => estimatedLetterHeight,
    overscan: 6,
    getItemKey: (index) => messages[index]?.messageId ?? index,
  });

  // Where the view opens: the letter asked for, else the newest; again when a new newest letter arrives or is sent.
  const newestId = messages.at(-1)?.messageId ?? null;
  const openedAt = useRef<string | null>(null);
  useEffect(() => {
    if (newestId === null) return;
    const target = openedAt.current === null && focusMessageId !== null ? focusMessageId : newestId;
    const index = messages.findIndex((message) => message.messageId === target);
    openedAt.current = target;
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'start' });
    // Only a new newest letter moves the view, not every render (the virtualizer object changes identity).
  }, [newestId]);

  // The photo viewer covers the screen; closing it puts the person back exactly where they were reading.
  const [viewing, setViewing] = useState<{ messageId: string; startAt: number; scrollTop: number } | null>(null);
  const restoreScrollTop = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (viewing !== null || restoreScrollTop.current === null || scroller.current === null) return;
    scroller.current.scrollTop = restoreScrollTop.current;
    restoreScrollTop.current = null;
  }, [viewing]);
  const viewedMessage = viewing === null ? undefined : messages.find((message) => message.messageId === viewing.messageId);

  const unreadIds = messages.filter((message) => message.direction === 'inbound' && !message.read).map((message) => message.messageId).join(' ');
  useEffect(() => {
    if (unreadIds === '') return;
    void Promise.allSettled(unreadIds.split(' ').map((messageId) => api.call('mail.markRead', { messageId }))).then(onRead);
  }, [api, unreadIds, onRead]);

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
            {t('mail.write', { name: contact.displayName })}
          </button>
        ) : null
      }
    >
      {conversation !== null && messages.length === 0 ? <p className="screen__lead frame__lead">{t('mail.conversationEmpty')}</p> : null}
      <div className="conversation__scroller" ref={scroller} data-testid="conversation-scroller" data-scroll-region="" tabIndex={-1}>
        <ol className="conversation__messages" style={{ height: virtualizer.getTotalSize() }}>
          {contact === null
            ? null
            : virtualizer.getVirtualItems().map((item) => {
                const message = messages[item.index];
                if (message === undefined) return null;
                return (
                  <li key={message.messageId} className="conversation__slot" data-index={item.index} ref={virtualizer.measureElement} style={{ transform: `translateY(${item.start}px)` }}>
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
                        onOpenPicture={(startAt) => setViewing({ messageId: message.messageId, startAt, scrollTop: scroller.current?.scrollTop ?? 0 })}
                      />
                      {message.direction === 'inbound' && message.returnStampAvailable ? <p className="letter__stamp">{t('mail.returnStampIncluded')}</p> : null}
                      <div className="letter__actions">
                        {message.body.trim() === '' ? null : <ReadAloudButton api={api} text={message.body} language={language} />}
                        {message.direction === 'inbound' && contact.approved ? (
                          <button type="button" className="button button--secondary" data-testid="reply" onClick={() => onReply(contact, message)}>
                            {t('mail.reply')}
                          </button>
                        ) : null}
                      </div>
                      {message.timeline === null ? null : <SentTimeline timeline={message.timeline} language={language} facilityUnreachable={facilityUnreachable} />}
                    </article>
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
