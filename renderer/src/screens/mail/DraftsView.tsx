import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanguageCode, MailDraft } from '../../../../main/contract';
import { formatWhen } from '../../i18n/format';
import { Name } from '../../components/MessageText';
import { ScreenFrame } from '../../frame/ScreenFrame';

/** Drafts saved as the person typed, newest first; one press picks up where they left off. */
export function DraftsView({
  navigation,
  drafts,
  language,
  onResume,
}: {
  navigation: ReactNode;
  drafts: MailDraft[] | null;
  language: LanguageCode;
  onResume(draft: MailDraft): void;
}) {
  const { t } = useTranslation();
  return (
    <ScreenFrame screen="mail" dataAttributes={{ 'data-view': 'drafts' }} title={t('mail.draftsTitle')} navigation={navigation}>
      {drafts === null ? null : (
        <div className="drafts" data-testid="drafts">
          {drafts.length === 0 ? <p className="screen__lead">{t('mail.noDrafts')}</p> : null}
          <ul className="plain-list">
            {drafts.map((draft) => (
              <li key={draft.draftId}>
                <button type="button" className="conversation-row" data-testid="draft" onClick={() => onResume(draft)}>
                  <span className="conversation-row__name">
                    {t('mail.draftTo', { name: '' })}
                    <Name text={draft.contactName} />
                  </span>
                  <span className="conversation-row__preview" dir="auto">
                    {[...draft.body].slice(0, 120).join('')}
                  </span>
                  <span className="conversation-row__meta">{t('mail.draftUpdated', { date: formatWhen(draft.updatedAt, language) })}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </ScreenFrame>
  );
}
