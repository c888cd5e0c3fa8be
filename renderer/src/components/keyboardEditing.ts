// What a key on the on-screen keyboard does to the text of a field: pure, so it is tested without a page.

/** The text with `inserted` put in place of the selection (or before the cursor), and where the cursor goes next. */
export function typeInto(value: string, selection: { start: number; end: number } | null, inserted: string): { value: string; cursor: number } {
  const start = selection?.start ?? value.length;
  const end = selection?.end ?? value.length;
  return { value: value.slice(0, start) + inserted + value.slice(end), cursor: start + inserted.length };
}

/** Backspace: the selection goes, or else the one character (as people count them, so a whole emoji) before the cursor. */
export function deleteBackward(value: string, selection: { start: number; end: number } | null): { value: string; cursor: number } {
  const start = selection?.start ?? value.length;
  const end = selection?.end ?? value.length;
  if (start !== end) return { value: value.slice(0, start) + value.slice(end), cursor: start };
  const before = [...value.slice(0, start)];
  const removed = before.pop() ?? '';
  return { value: before.join('') + value.slice(end), cursor: start - removed.length };
}
