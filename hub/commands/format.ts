// How the CLI says things: money in dollars and cents, times in the hub's local time, counts in words, and text that
// people wrote with every character that could act on the terminal made visible.

export function dollars(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  return `${sign}$${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}

export function count(amount: number, one: string, many: string): string {
  return `${amount} ${amount === 1 ? one : many}`;
}

const localTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

export function when(epochMs: number): string {
  return localTime.format(new Date(epochMs));
}

export function bytes(size: number): string {
  if (size < 1024) return `${size} bytes`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(0)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}

// What a terminal would act on or hide instead of showing: C0 controls but tab and line feed (ESC starts the
// sequences that move the cursor, clear lines, hide or recolour text, set the window title), DEL, C1 controls (U+009B
// is a one-character CSI), bidirectional controls (which reorder what follows), and zero-width and other format
// characters (which hide between letters). A family letter must reach the reviewer exactly as the resident would
// receive it, so nothing in it may act on the reviewer's terminal.
// eslint-disable-next-line no-control-regex
const actsOnTerminal = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|\p{Cf}/gu;

/** ESC as `␛`-style pictures for C0 and DEL (U+2400 block), `\u{…}` for the rest, so each shows as what it is. */
function visibleCharacter(character: string): string {
  const codePoint = character.codePointAt(0) ?? 0;
  if (codePoint < 0x20) return String.fromCodePoint(0x2400 + codePoint);
  if (codePoint === 0x7f) return '\u2421';
  return `\\u{${codePoint.toString(16)}}`;
}

/** A line for the terminal: what people wrote, with every control and invisible character shown visibly. */
export function visibleText(line: string): string {
  return line.replace(actsOnTerminal, visibleCharacter);
}
