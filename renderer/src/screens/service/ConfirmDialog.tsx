import { useEffect, useId, useRef } from 'react';

interface ConfirmDialogProps {
  title: string;
  text: string;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * "Are you sure?" before a service action that destroys or interrupts something (restart, wipe, re-enroll). Cancel
 * has the focus, so a stray Enter or a second tap on the same spot does nothing harmful.
 */
export function ConfirmDialog({ title, text, confirmLabel, cancelLabel, onConfirm, onCancel }: ConfirmDialogProps) {
  const titleId = useId();
  const textId = useId();
  const cancelButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancelButton.current?.focus();
  }, []);
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={textId} data-testid="confirm-dialog">
        <h2 id={titleId} className="dialog__title">
          {title}
        </h2>
        <p id={textId} className="dialog__text">
          {text}
        </p>
        <div className="dialog__actions">
          <button ref={cancelButton} type="button" className="button button--secondary button--wide" onClick={onCancel}>
            {cancelLabel}
          </button>
          <button type="button" className="button button--danger button--wide" onClick={onConfirm} data-testid="confirm-dialog-confirm">
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
