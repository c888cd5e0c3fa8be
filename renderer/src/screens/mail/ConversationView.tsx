import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation, LanguageCode, MailMessage } from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';
import { formatWhen } from '../../i18n/format';
import { MessageText, Name } from '../../components/MessageText';
import { ReadAloudButton } from '../../components/ReadAloudButton';
import { useFacilityUnreachable } from '../../hooks/useFacilityUnreachable';
import { LetterAttachments } from './LetterAttachments';
import { PictureViewer } from './PictureViewer';
import { SentTimeline } from './SentTimeline';

interface ConversationViewProps {
  api: DeviceClient;
  conversation: Conversation;
  language: LanguageCode;
  onReply(message: MailMessage): void;
  onWrite(): void;
  /** After messages were marked read, so the counts can be fetched again. */
  onRead(): void;
}

/** A letter's height in px at the base text size before it is measured; each is measured once on screen. */
const estimatedLetterHeight = 220;

/**
 * One person's letters, oldest first, opened at the newest (at the bottom, as a conversation reads). Only the letters
 * on screen and a few either side are in the page, so a conversation of thousands opens as fast as one of ten.
 * Opening the conversation marks its letters read.
 */
export function ConversationView({ api, conversation, language, onReply, onWrite, onRead }: ConversationViewProps) {
  const { t } = useTranslation();
  const { contact, messages } = conversation;
  const facilityUnreachable = useFacilityUnreachable(api);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => estimatedLetterHeight,
    overscan: 6,
    getItemKey: (index) => messages[index]?.messageId ?? index,
  });
  const newestId = messages.at(-1)?.messageId ?? null;
  // At the newest letter when the conversation opens and when a new one arrives or is sent.
  useEffect(() => {
    if (newestId !== null) virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
    // Only a new newest letter moves the view, not every render (the virtualizer object changes identity).
  }, [newestId]);
  const [viewing, setViewing] = useState<{ messageId: string; startAt: number } | null>(null);
  const viewedMessage = viewing === null ? undefined : messages.find((message) => message.messageId === viewing.messageId);
  const unreadIds = messages.filter((message) => message.direction === 'inbound' && !message.read).map((message) => message.messageId).join(' ');

  useEffect(() => {
    if (unreadIds === '') return;
    void Promise.allSettled(unreadIds.split(' ').map((messageId) => api.call('mail.markRead', { messageId }))).then(onRead);
  }, [api, unreadIds, onRead]);

  return (
    <div className="conversation" data-testid="conversation-view">
      <h2 className="conversation__title">
        <Name text={contact.displayName} />
      </h2>
      {contact.approved ? null : <p className="notice">{t('mail.notApproved')}</p>}
      {messages.length === 0 ? <p className="screen__lead">{t('mail.conversationEmpty')}</p> : null}
      <div className="conversation__scroller" ref={scroller} data-testid="conversation-scroller">
        <ol className="conversation__messages" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const message = messages[item.index];
            if (message === undefined) return null;
            return (
              <li key={message.messageId} className="conversation__slot" data-index={item.index} ref={virtualizer.measureElement} style={{ transform: `translateY(${item.start}px)` }}>
                <div className={`letter letter--${message.direction}`} data-testid="letter" data-direction={message.direction} data-message-id={message.messageId}>
                  <p className="letter__from">
                    {message.direction === 'inbound' ? t('mail.from', { name: '' }) : t('mail.you')}
                    {message.direction === 'inbound' ? <Name text={contact.displayName} /> : null}
                    <span className="letter__when">{formatWhen(message.receivedAt ?? message.writtenAt, language)}</span>
                  </p>
                  <MessageText text={message.body} />
                  <LetterAttachments
                    messageId={message.messageId}
                    attachments={message.attachments}
                    onOpenPicture={(startAt) => setViewing({ messageId: message.messageId, startAt })}
                  />
                  {message.direction === 'inbound' && message.returnStampAvailable ? <p className="letter__stamp">{t('mail.returnStampIncluded')}</p> : null}
                  <div className="letter__actions">
                    {message.body.trim() === '' ? null : <ReadAloudButton text={message.body} language={language} />}
                    {message.direction === 'inbound' && contact.approved ? (
                      <button type="button" className="button button--secondary" data-testid="reply" onClick={() => onReply(message)}>
                        {t('mail.reply')}
                      </button>
                    ) : null}
                  </div>
                  {message.timeline === null ? null : <SentTimeline timeline={message.timeline} language={language} facilityUnreachable={facilityUnreachable} />}
                </div>
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
          onClose={() => setViewing(null)}
        />
      ) : null}
      {contact.approved ? (
        <button type="button" className="button button--primary button--wide" data-testid="write" onClick={onWrite}>
          {t('mail.write', { name: contact.displayName })}
        </button>
      ) : null}
    </div>
  );
}
