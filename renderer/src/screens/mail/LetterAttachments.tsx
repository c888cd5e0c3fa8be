import { useTranslation } from 'react-i18next';
import type { MailAttachment } from '../../../../main/contract';
import { attachmentUrl } from '../../api/attachments';
import { Name } from '../../components/MessageText';

interface LetterAttachmentsProps {
  messageId: string;
  attachments: readonly MailAttachment[];
  /** Opens the viewer at this picture (an index into the letter's pictures: photos and eCards). */
  onOpenPicture(index: number): void;
}

/** What came with a letter: pictures as thumbnails that open the viewer, videos played here, held-back ones said in words. */
export function LetterAttachments({ messageId, attachments, onOpenPicture }: LetterAttachmentsProps) {
  const { t } = useTranslation();
  if (attachments.length === 0) return null;
  const pictures = attachments.filter((attachment) => attachment.kind !== 'video' && attachment.state === 'ready');
  return (
    <ul className="attachments" aria-label={t('mail.attachments.label')}>
      {attachments.map((attachment) => {
        const kindName = t(`mail.attachments.kind.${attachment.kind}`);
        switch (attachment.state) {
          case 'withheld':
            return (
              <li key={attachment.attachmentId} className="attachments__notice" data-testid="attachment" data-state="withheld">
                {t('mail.attachments.withheld', { kind: kindName })}
                {attachment.withheldReason === null ? null : (
                  <>
                    {' '}
                    {t('mail.attachments.reasonLabel')} <Name text={attachment.withheldReason} />
                  </>
                )}
              </li>
            );
          case 'downloading':
            return (
              <li key={attachment.attachmentId} className="attachments__notice" data-testid="attachment" data-state="downloading">
                {t('mail.attachments.arriving', { kind: kindName })}
              </li>
            );
          case 'ready': {
            if (attachment.kind === 'video') {
              return (
                <li key={attachment.attachmentId} className="attachments__video" data-testid="attachment" data-state="ready" data-kind="video">
                  {/* No autoplay and no loop: the person starts it. Controls are the browser's own, large on a kiosk. */}
                  <video
                    className="attachments__player"
                    data-testid="video"
                    src={attachmentUrl(messageId, attachment.attachmentId)}
                    controls
                    preload="metadata"
                    playsInline
                    controlsList="nodownload noremoteplayback nofullscreen"
                    disablePictureInPicture
                    aria-label={kindName}
                  />
                </li>
              );
            }
            const pictureIndex = pictures.indexOf(attachment);
            return (
              <li key={attachment.attachmentId} data-testid="attachment" data-state="ready" data-kind={attachment.kind}>
                <button
                  type="button"
                  className="attachments__thumb"
                  data-testid="open-picture"
                  onClick={() => onOpenPicture(pictureIndex)}
                  aria-label={t('mail.attachments.open', { kind: kindName, position: pictureIndex + 1, count: pictures.length })}
                >
                  <img src={attachmentUrl(messageId, attachment.attachmentId)} alt="" draggable={false} />
                </button>
              </li>
            );
          }
          default: {
            const unknownState: never = attachment.state;
            return unknownState;
          }
        }
      })}
    </ul>
  );
}
