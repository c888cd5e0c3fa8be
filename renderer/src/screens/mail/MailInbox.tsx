import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationSummary, LanguageCode } from '../../../../main/contract';
import { formatWhen } from '../../i18n/format';
import { Name } from '../../components/MessageText';
import { ScreenFrame } from '../../frame/ScreenFrame';

interface MailInboxProps {
  navigation: ReactNode;
  /** Above the list: what the facility stopped (letters not delivered), so it is seen before anything else. */
  notices?: ReactNode;
  conversations: ConversationSummary[] | null;
  language: LanguageCode;
  onOpen(contactId: string): void;
  /** A finger came down on a row: the conversation's first page can be asked for before the tap ends. */
  onPress?(contactId: string): void;
}

/** Row height in px at the base text size; the virtualizer measures each row anyway, so larger text only means more work. */
const estimatedRowHeight = 140;

/** The person's contacts, newest mail first; only the rows on screen are in the page, so a long list stays quick. */
export function MailInbox({ navigation, notices, conversations, language, onOpen, onPress }: MailInboxProps) {
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const rows = conversations ?? [];
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => estimatedRowHeight, overscan: 4 });

  return (
    <ScreenFrame
      screen="mail"
      dataAttributes={{ 'data-view': 'inbox' }}
      title={t('mail.title')}
      instructions={t('mail.instructions')}
      navigation={navigation}
      contentScrollsItself
    >
      {notices === undefined ? null : <div className="frame__lead">{notices}</div>}
      {conversations !== null && conversations.length === 0 ? <p className="screen__lead frame__lead">{t('mail.noContacts')}</p> : null}
      <div className="mail-list" ref={scroller} data-testid="conversation-list" data-scroll-region="">
        <ul className="mail-list__inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const conversation = rows[item.index];
            if (conversation === undefined) return null;
            return (
              <li
                key={conversation.contact.contactId}
                className="mail-list__row"
                data-index={item.index}
                ref={virtualizer.measureElement}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <button
                  type="button"
                  className="conversation-row"
                  data-testid="conversation"
                  onPointerDown={() => onPress?.(conversation.contact.contactId)}
                  onClick={() => onOpen(conversation.contact.contactId)}
                >
                  <span className="conversation-row__top">
                    <span className="conversation-row__name">
                      <Name text={conversation.contact.displayName} />
                    </span>
                    {conversation.unread > 0 ? <span className="badge">{t('mail.unread', { count: conversation.unread })}</span> : null}
                  </span>
                  <span className="conversation-row__preview" dir="auto">
                    {conversation.preview ?? t('mail.noMailYet')}
                  </span>
                  <span className="conversation-row__meta">
                    {conversation.contact.approved ? '' : t('mail.notApproved')}
                    {conversation.lastMessageAt === null ? '' : t('mail.lastMessage', { date: formatWhen(conversation.lastMessageAt, language) })}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </ScreenFrame>
  );
}
