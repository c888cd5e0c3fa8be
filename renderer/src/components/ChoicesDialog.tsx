import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';

interface ChoicesDialogProps {
  title: string;
  /** The button that opened the dialog: focus goes back to it on close, so a keyboard or switch user keeps their place. */
  opener: RefObject<HTMLButtonElement | null>;
  onClose(): void;
  testId: string;
  children: ReactNode;
}

const focusable = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal list of choices over the screen (the language chooser, the display choices): the rest of the page cannot be
 * reached while it is open (Tab wraps inside it, and switch scanning scans only it, by aria-modal), Escape, a press on
 * the dim backdrop or Done closes it. Focus starts on the choice now in force (the pressed button), else the first.
 * Rendered on the page's body, so the top bar's own scrolling and text size do not clip or scale it.
 */
export function ChoicesDialog({ title, opener, onClose, testId, children }: ChoicesDialogProps) {
  const { t } = useTranslation();
  const titleId = useId();
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = dialog.current;
    const start = element?.querySelector<HTMLElement>('[aria-pressed="true"]') ?? element?.querySelector<HTMLElement>(focusable);
    start?.focus();
    const returnTo = opener.current;
    return () => returnTo?.focus();
  }, [opener]);

  function keepFocusInside(event: React.KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== 'Tab' || dialog.current === null) return;
    const controls = Array.from(dialog.current.querySelectorAll<HTMLElement>(focusable));
    const first = controls[0];
    const last = controls[controls.length - 1];
    if (first === undefined || last === undefined) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return createPortal(
    <div
      className="dialog-backdrop"
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={dialog}
        className="dialog choices-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        onKeyDown={keepFocusInside}
      >
        <h2 id={titleId} className="dialog__title">
          {title}
        </h2>
        <div className="choices-dialog__choices">{children}</div>
        <div className="dialog__actions">
          <button type="button" className="button button--primary button--wide" onClick={onClose} data-testid={`${testId}-done`}>
            {t('display.done')}
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
