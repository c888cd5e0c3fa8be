import { useRef, useState } from 'react';
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

/**
 * A video message: no autoplay and no loop, the person starts it. The browser's controls stay for seeking, and a
 * large Play / Pause button beside them is the one a finger can hit at arm's length.
 */
function VideoMessage({ src, label }: { src: string; label: string }) {
  const { t } = useTranslation();
  const player = useRef<HTMLVideoElement>(null);
  const [playing, setPlaying] = useState(false);
  return (
    <>
      <video
        ref={player}
        className="attachments__player"
        data-testid="video"
        src={src}
        controls
        preload="metadata"
        playsInline
        controlsList="nodownload noremoteplayback nofullscreen"
        disablePictureInPicture
        aria-label={label}
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => setPlaying(false)}
      />
      <button
        type="button"
        className="button button--secondary button--wide attachments__play"
        data-testid="video-play"
        onClick={() => {
          const video = player.current;
          if (video === null) return;
          if (video.paused) void video.play().catch(() => setPlaying(false));
          else video.pause();
        }}
      >
        {playing ? t('mail.attachments.pause') : t('mail.attachments.play')}
      </button>
    </>
  );
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
                  <VideoMessage src={attachmentUrl(messageId, attachment.attachmentId)} label={kindName} />
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
                {/* Said in words, so an eCard is not taken for a photo of someone. */}
                <span className="attachments__label" data-testid="attachment-label">
                  {kindName}
                </span>
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
