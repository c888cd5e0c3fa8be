// The site-config shape of a keyboard-mode reader's detection settings, a reader kind in
// hardware/reader-config.ts (`{ kind: 'keyboardWedge', ...KeyboardWedgeSettings }`). Kept apart from the
// detector so the detector stays import-free; this file needs only zod, which the contract may use too.
import { z } from 'zod';
import { defaultWedgeOptions, isCharacterKey, isSilentKey, type WedgeDetectorOptions } from './wedge-detector';

/**
 * Framing written the way reader manuals and the serial reader settings write it, as the key a
 * keyboard-mode reader presses for it. A wedge types CR as the Enter key, TAB as Tab and ESC as Escape;
 * other control bytes (GS, STX) become Ctrl chords that differ by reader, so they must be named as keys.
 */
const namedFrameKeys: Readonly<Record<string, readonly string[]>> = {
  CR: ['Enter'],
  Enter: ['Enter'],
  TAB: ['Tab'],
  Tab: ['Tab'],
  ESC: ['Escape'],
  Escape: ['Escape'],
};

/** The control characters a wedge types as one key of their own. */
const keyOfControlCharacter: Readonly<Record<string, string>> = { '\r': 'Enter', '\t': 'Tab', '\x1b': 'Escape' };

/** The keys a framing string stands for, or a sentence saying why it cannot be typed by a wedge. */
export function framingKeys(text: string): string[] | { readonly error: string } {
  const named = namedFrameKeys[text];
  if (named) return [...named];
  const keys: string[] = [];
  for (const character of text) {
    const key = keyOfControlCharacter[character] ?? character;
    if (!isCharacterKey(key) && key === character) {
      return { error: `control character U+${character.codePointAt(0)?.toString(16).padStart(4, '0') ?? '?'} is not one key press: list the keys instead` };
    }
    keys.push(key);
  }
  return keys;
}

function checkKeys(keys: readonly string[], context: z.RefinementCtx): void {
  for (const key of keys) {
    // The detector skips modifiers inside bursts, so framing made of them could never match.
    if (isSilentKey(key)) context.addIssue({ code: 'custom', message: `${key} is a modifier or composition key and cannot frame a read` });
  }
}

/**
 * A prefix or suffix: a string ('%', ';', '~>', 'CR', 'ESC') read character by character with the names
 * above, or an array of KeyboardEvent.key values (['Escape'], ['Tab', 'Enter']).
 */
export const FramingKeys = z
  .union([z.string().max(8, 'a prefix or suffix is at most 8 keys'), z.array(z.string().min(1).max(32)).max(8, 'a prefix or suffix is at most 8 keys')])
  .superRefine((value, context) => {
    if (typeof value === 'string') {
      const keys = framingKeys(value);
      if ('error' in keys) context.addIssue({ code: 'custom', message: keys.error });
      else checkKeys(keys, context);
    } else {
      checkKeys(value, context);
    }
  })
  .transform((value): string[] => {
    if (typeof value !== 'string') return [...value];
    const keys = framingKeys(value);
    // superRefine has already refused a string with an error, so this branch is never taken with one.
    return 'error' in keys ? [] : keys;
  });

/**
 * The fields alone, so a reader entry of the site config can sit them next to `id` and `kind`
 * (`z.object({ id, kind: z.literal('keyboardWedge'), ...keyboardWedgeFields }).strict().superRefine(checkKeyboardWedge)`)
 * and stay a plain object for ReaderConfig's discriminated union.
 */
export const keyboardWedgeFields = {
  /** Above 50 ms the fastest typists (≈55 ms a key at a record 216 WPM) would pass for a reader. */
  maxGapMs: z.number().positive().max(50).default(defaultWedgeOptions.maxGapMs),
  idleTimeoutMs: z.number().positive().max(1000).default(defaultWedgeOptions.idleTimeoutMs),
  minFrameLength: z.number().int().min(1).max(4096).default(defaultWedgeOptions.minFrameLength),
  maxFrameLength: z.number().int().min(1).max(4096).default(defaultWedgeOptions.maxFrameLength),
  prefix: FramingKeys.default([...defaultWedgeOptions.prefix]),
  suffix: FramingKeys.refine((keys) => keys.length > 0, 'a suffix cannot be empty: it is what ends a read').default([...defaultWedgeOptions.suffix]),
};

/** The checks between fields. */
export function checkKeyboardWedge(
  settings: Pick<WedgeDetectorOptions, 'maxGapMs' | 'idleTimeoutMs' | 'minFrameLength' | 'maxFrameLength'>,
  context: z.RefinementCtx,
): void {
  if (settings.idleTimeoutMs <= settings.maxGapMs) {
    context.addIssue({
      code: 'custom',
      message: 'idleTimeoutMs must be longer than maxGapMs, or keys still arriving in a burst are released',
      path: ['idleTimeoutMs'],
    });
  }
  if (settings.maxFrameLength < settings.minFrameLength) {
    context.addIssue({ code: 'custom', message: 'maxFrameLength cannot be smaller than minFrameLength', path: ['maxFrameLength'] });
  }
}

export const KeyboardWedgeSettings = z.object(keyboardWedgeFields).strict().superRefine(checkKeyboardWedge);

export type KeyboardWedgeSettings = z.infer<typeof KeyboardWedgeSettings>;
export type KeyboardWedgeSettingsInput = z.input<typeof KeyboardWedgeSettings>;

// Parsed settings are detector options as they are: a compile-time check that the two never drift apart.
const _settingsAreOptions: (settings: KeyboardWedgeSettings) => WedgeDetectorOptions = (settings) => settings;
