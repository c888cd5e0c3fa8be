// The on-screen keyboard edits where the cursor is, as a physical keyboard does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deleteBackward, typeInto } from '../../../renderer/src/components/keyboardEditing';

describe('on-screen keyboard editing', () => {
  it('types at the cursor, replaces a selection, and appends when the field has no cursor', () => {
    expect(typeInto('Dear Mom', { start: 5, end: 5 }, 'dear ')).toEqual({ value: 'Dear dear Mom', cursor: 10 });
    expect(typeInto('Dear Mom', { start: 5, end: 8 }, 'Dad')).toEqual({ value: 'Dear Dad', cursor: 8 });
    expect(typeInto('Dear', null, '!')).toEqual({ value: 'Dear!', cursor: 5 });
  });

  it('backspace removes the selection, or the one character before the cursor, a whole emoji included', () => {
    expect(deleteBackward('Dear Mom', { start: 4, end: 4 })).toEqual({ value: 'Dea Mom', cursor: 3 });
    expect(deleteBackward('Dear Mom', { start: 0, end: 4 })).toEqual({ value: ' Mom', cursor: 0 });
    expect(deleteBackward('hi ❤️🐶', null)).toEqual({ value: 'hi ❤️', cursor: 'hi ❤️'.length });
    expect(deleteBackward('', { start: 0, end: 0 })).toEqual({ value: '', cursor: 0 });
  });

  it('typing then deleting at any cursor gives the text back', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.constantFrom('a', 'ñ', 'Á', '¿', ' ', '\n'), (text, at, key) => {
        const cursor = Math.min(at, text.length);
        const typed = typeInto(text, { start: cursor, end: cursor }, key);
        expect(deleteBackward(typed.value, { start: typed.cursor, end: typed.cursor })).toEqual({ value: text, cursor });
      }),
    );
  });
});
