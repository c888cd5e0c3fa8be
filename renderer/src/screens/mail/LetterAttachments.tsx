import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailAttachment } from '../../../../main/contract';
import { attachmentUrl, captionsUrl } from '../../api/attachments';
import { useCaptionsWanted } from '../../captions/captions';
import { installedLanguages } from '../../i18n/languages';
import { Name } from '../../components/MessageText';

interface CaptionTrackSource {
  readonly language: string;
  /** The language's own name (Español, العربية), as the player's captions menu lists it. */
  readonly label: string;
  readonly src: string;
}

/** A language's own name: its locale file's, else what Intl calls it in itself, else its tag (never blank). */
function languageOwnName(language: string): string {
  const installed = installedLanguages.get(language);
  if (installed !== undefined) return installed.name;
  try {
    return new Intl.DisplayNames([language], { type: 'language' }).of(language) ?? language;
  } catch {
    return language;
  }
}

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
function VideoMessage({ src, label, captions }: { src: string; label: string; captions: readonly CaptionTrackSource[] }) {
  const { t, i18n } = useTranslation();
  const player = useRef<HTMLVideoElement>(null);
  const [playing, setPlaying] = useState(false);
  const captionsWanted = useCaptionsWanted();
  // The track shown to a person who asked for captions: the one in their screen language, else the first there is.
  const shownLanguage = (captions.find((track) => track.language === i18n.language) ?? captions[0])?.language ?? null;
  // `default` is read once, when the player loads; a choice changed with the player open is applied to its tracks here.
  useEffect(() => {
    const tracks = player.current?.textTracks;
    if (tracks === undefined) return;
    for (const track of Array.from(tracks)) {
      if (track.kind !== 'captions') continue;
      if (captionsWanted && track.language === shownLanguage) track.mode = 'showing';
      else if (!captionsWanted && track.mode === 'showing') track.mode = 'disabled';
    }
  }, [captionsWanted, shownLanguage]);
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
      >
        {/* Without the wish for captions the track is still offered: the player's CC button turns it on. */}
        {captions.map((track) => (
          <track
            key={track.language}
            kind="captions"
            src={track.src}
            srcLang={track.language}
            label={track.label}
            default={captionsWanted && track.language === shownLanguage}
            data-testid="video-captions"
          />
        ))}
      </video>
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
                  <VideoMessage
                    src={attachmentUrl(messageId, attachment.attachmentId)}
                    label={kindName}
                    captions={(attachment.captionLanguages ?? []).map((language) => ({
                      language,
                      label: languageOwnName(language),
                      src: captionsUrl(messageId, attachment.attachmentId, language),
                    }))}
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
