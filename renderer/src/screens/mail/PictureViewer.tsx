import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailAttachment } from '../../../../main/contract';
import { attachmentUrl } from '../../api/attachments';

/** Zoom steps: big buttons step through them; the picture scrolls when it is larger than the screen. */
const zoomLevels = [1, 1.5, 2, 3] as const;

interface PictureViewerProps {
  messageId: string;
  pictures: readonly MailAttachment[];
  startAt: number;
  onClose(): void;
}

/** A letter's photos and eCards, one at a time, full screen: previous and next, zoom in and out, close. */
export function PictureViewer({ messageId, pictures, startAt, onClose }: PictureViewerProps) {
  const { t } = useTranslation();
  const [index, setIndex] = useState(Math.min(Math.max(startAt, 0), pictures.length - 1));
  const [zoomStep, setZoomStep] = useState(0);
  const titleId = useId();
  const closeButton = useRef<HTMLButtonElement>(null);
  const picture = pictures[index];
  const zoom = zoomLevels[zoomStep] ?? 1;

  const show = (next: number): void => {
    setIndex((next + pictures.length) % pictures.length);
    setZoomStep(0);
  };

  useEffect(() => {
    closeButton.current?.focus();
  }, []);

  // Keys for kiosks with a keyboard and for switch users: arrows move, + and - zoom, Escape closes.
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') onClose();
      else if (event.key === 'ArrowRight') show(index + 1);
      else if (event.key === 'ArrowLeft') show(index - 1);
      else if (event.key === '+' || event.key === '=') setZoomStep((step) => Math.min(step + 1, zoomLevels.length - 1));
      else if (event.key === '-') setZoomStep((step) => Math.max(step - 1, 0));
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (picture === undefined) return null;
  const kindName = t(`mail.attachments.kind.${picture.kind}`);
  return (
    <div className="viewer" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="picture-viewer" data-zoom={zoom} data-index={index}>
      <div className="viewer__bar">
        <h2 id={titleId} className="viewer__title" data-testid="viewer-position">
          {t('mail.viewer.position', { kind: kindName, position: index + 1, count: pictures.length })}
        </h2>
        <button ref={closeButton} type="button" className="button button--primary" data-testid="viewer-close" onClick={onClose}>
          {t('mail.viewer.close')}
        </button>
      </div>
      <div className="viewer__stage" data-testid="viewer-stage">
        <img
          className="viewer__image"
          data-testid="viewer-image"
          src={attachmentUrl(messageId, picture.attachmentId)}
          alt={t('mail.viewer.position', { kind: kindName, position: index + 1, count: pictures.length })}
          draggable={false}
          // At 100 % the whole picture fits the screen; zoomed, it is wider than the stage, which then scrolls.
          style={zoom === 1 ? { maxWidth: '100%', maxHeight: '100%' } : { width: `${zoom * 100}%` }}
        />
      </div>
      <div className="viewer__controls">
        <button type="button" className="button button--secondary" data-testid="viewer-previous" disabled={pictures.length < 2} onClick={() => show(index - 1)}>
          {t('mail.viewer.previous')}
        </button>
        <button
          type="button"
          className="button button--secondary"
          data-testid="viewer-zoom-out"
          disabled={zoomStep === 0}
          onClick={() => setZoomStep(zoomStep - 1)}
        >
          {t('mail.viewer.zoomOut')}
        </button>
        <span className="viewer__zoom" aria-live="polite">
          {t('mail.viewer.zoom', { percent: Math.round(zoom * 100) })}
        </span>
        <button
          type="button"
          className="button button--secondary"
          data-testid="viewer-zoom-in"
          disabled={zoomStep === zoomLevels.length - 1}
          onClick={() => setZoomStep(zoomStep + 1)}
        >
          {t('mail.viewer.zoomIn')}
        </button>
        <button type="button" className="button button--secondary" data-testid="viewer-next" disabled={pictures.length < 2} onClick={() => show(index + 1)}>
          {t('mail.viewer.next')}
        </button>
      </div>
    </div>
  );
}
