// Text that someone else wrote (a message, a contact's name): a text node, never HTML, never a link. `dir="auto"` and
// the isolate in the CSS keep right-to-left text and bidi control characters from reordering the words around it.
export function MessageText({ text, className = 'message-text' }: { text: string; className?: string }) {
  return (
    <p className={className} dir="auto">
      {text}
    </p>
  );
}

/** A name inside a sentence, isolated the same way. */
export function Name({ text }: { text: string }) {
  return <bdi className="name">{text}</bdi>;
}
