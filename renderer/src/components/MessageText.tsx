import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { hasUnshownWriting } from './unshownWriting';

// Text that someone else wrote (a message, a contact's name): a text node, never HTML, never a link. `dir="auto"` and
// the isolate in the CSS keep right-to-left text and bidi control characters from reordering the words around it.
// Writing no installed font can draw is said in words above it, so the person is never left with only boxes.
export function MessageText({ text, className = 'message-text' }: { text: string; className?: string }) {
  const { t } = useTranslation();
  const unshown = useMemo(() => hasUnshownWriting(text), [text]);
  return (
    <>
      {unshown ? (
        <p className="unshown-writing" role="note" data-testid="unshown-writing">
          {t('unshownWriting')}
        </p>
      ) : null}
      <p className={className} dir="auto">
        {text}
      </p>
    </>
  );
}

/** A name inside a sentence, isolated the same way. */
export function Name({ text }: { text: string }) {
  return <bdi className="name">{text}</bdi>;
}
