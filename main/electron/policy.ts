// The kiosk's security decisions as plain functions: which URLs, permissions, keys and IPC senders are
// allowed. No electron import, so every rule is unit-tested under Node; main.ts only wires them to events.
import { isAbsolute, join, relative, sep } from 'node:path';
import { doublingStep } from '../../rules/backoff';

export { contentSecurityPolicy } from '../security/content-policy';

export type Verdict = 'allow' | 'deny';

/** Our content lives at one origin: app://dayroom/ (docs/security.md §12 "The Electron checklist", item 18 — a custom protocol, never file://). */
export const appScheme = 'app';
export const appHost = 'dayroom';
export const appEntryUrl = `${appScheme}://${appHost}/`;

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True only for app://dayroom/... (docs/security.md §12 "The Electron checklist", items 1 and 13). The URL is parsed and its parts compared,
 * never matched by prefix: `app://dayroom.evil/` and `app://dayroom@evil/` start with the same text.
 */
export function isAllowedAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return (
    parsed !== null &&
    parsed.protocol === `${appScheme}:` &&
    parsed.hostname === appHost &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** will-navigate, will-frame-navigate and will-redirect: stay on our own content (item 13). A dropped file navigates to file:// and is refused here too. */
export function navigationDecision(targetUrl: string): Verdict {
  return isAllowedAppUrl(targetUrl) ? 'allow' : 'deny';
}

/**
 * setWindowOpenHandler: the kiosk has one window and nothing may open another (item 14), not even our own
 * URL, so the target is taken only to keep the signature honest about what Electron passes.
 */
export function windowOpenDecision(_targetUrl: string): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * Permissions a feature of ours needs, granted only to our own content (item 5). None today.
 * A future video visit adds 'media' here (and must check the media type in the request's details).
 */
const permissionsOurFeaturesNeed: ReadonlySet<string> = new Set<string>();

/** Both the permission request and the permission check handler answer with this, so they cannot disagree. */
export function permissionDecision(permission: string, requestingUrl: string): Verdict {
  if (!isAllowedAppUrl(requestingUrl)) return 'deny';
  return permissionsOurFeaturesNeed.has(permission) ? 'allow' : 'deny';
}

/** IPC comes only from our own page's top frame (item 17): never from an iframe or a page that got elsewhere. */
export function isTrustedSender(frameUrl: string, isMainFrame: boolean): boolean {
  return isMainFrame && isAllowedAppUrl(frameUrl);
}

// ---- Keyboard ----

/** The fields of Electron's `Input` (before-input-event) that decide a shortcut. */
export interface KeyboardInput {
  readonly type: string;
  readonly key: string;
  readonly code: string;
  readonly control: boolean;
  readonly meta: boolean;
  readonly alt: boolean;
  readonly shift: boolean;
}

/** Browser shortcuts that would take a person out of the app, or show them its insides. */
export type KioskShortcut = 'reload' | 'close' | 'newWindow' | 'devTools' | 'print' | 'zoom' | 'fullScreen' | 'history' | 'viewSource' | 'find' | 'save';

export type InputVerdict = { readonly verdict: 'allow' } | { readonly verdict: 'deny'; readonly shortcut: KioskShortcut };

/** Keys that act alone, whatever modifiers are held (Ctrl+F5 and Shift+F5 reload too). */
const shortcutOfLoneKey: Readonly<Record<string, KioskShortcut>> = {
  F3: 'find',
  F5: 'reload',
  F11: 'fullScreen',
  F12: 'devTools',
  BrowserRefresh: 'reload',
  BrowserBack: 'history',
  BrowserForward: 'history',
  BrowserHome: 'history',
  BrowserSearch: 'find',
  BrowserStop: 'reload',
};

/** Letters that, with Ctrl (Cmd on macOS) and without Alt, are browser commands. Ctrl+C/V/X/A/Z stay usable in text fields. */
const shortcutOfCommandLetter: Readonly<Record<string, KioskShortcut>> = {
  r: 'reload',
  w: 'close',
  q: 'close',
  n: 'newWindow',
  t: 'newWindow',
  p: 'print',
  u: 'viewSource',
  f: 'find',
  g: 'find',
  s: 'save',
};

/** Ctrl+Shift+I/J/C (Cmd+Alt+I/J/C on macOS) open the developer tools. */
const devToolsLetters: ReadonlySet<string> = new Set(['i', 'j', 'c']);
const zoomKeys: ReadonlySet<string> = new Set(['+', '-', '=', '_', '0']);
const zoomCodes: ReadonlySet<string> = new Set(['Equal', 'Minus', 'Digit0', 'NumpadAdd', 'NumpadSubtract', 'Numpad0']);

/**
 * The letters a key press may stand for: the character it typed and its physical key. Both count, so Ctrl+R
 * is caught on a Cyrillic layout (key 'к', code 'KeyR') and on Dvorak alike.
 */
function lettersOf(input: KeyboardInput): string[] {
  const letters: string[] = [];
  if (input.key.length === 1) letters.push(input.key.toLowerCase());
  const physical = /^Key([A-Z])$/.exec(input.code);
  if (physical?.[1]) letters.push(physical[1].toLowerCase());
  return letters;
}

function kioskShortcutOf(input: KeyboardInput): KioskShortcut | null {
  const loneKeyShortcut = shortcutOfLoneKey[input.key];
  if (loneKeyShortcut) return loneKeyShortcut;

  const altOnly = input.alt && !input.control && !input.meta;
  if (altOnly && (input.key === 'ArrowLeft' || input.key === 'ArrowRight')) return 'history';
  if (input.key === 'F4' && (input.alt || input.control)) return 'close';

  const letters = lettersOf(input);
  // macOS spellings: Cmd+Alt+I/J/C for the developer tools, Cmd+Ctrl+F for full screen.
  if (input.meta && input.alt && letters.some((letter) => devToolsLetters.has(letter))) return 'devTools';
  if (input.meta && input.control && letters.includes('f')) return 'fullScreen';

  // Alt is excluded because AltGr reaches us as Ctrl+Alt on some systems: a reader typing '@' with
  // AltGr+Q on a German layout must not be read as Ctrl+Q.
  const command = (input.control || input.meta) && !input.alt;
  if (!command) return null;
  if (input.shift && letters.some((letter) => devToolsLetters.has(letter))) return 'devTools';
  for (const letter of letters) {
    const commandShortcut = shortcutOfCommandLetter[letter];
    if (commandShortcut) return commandShortcut;
  }
  if (zoomKeys.has(input.key) || zoomCodes.has(input.code)) return 'zoom';
  if (input.meta && (input.key === '[' || input.key === ']')) return 'history';
  return null;
}

/**
 * before-input-event: drop the browser's own shortcuts (docs/security.md §12 "The Electron checklist", the lockdown). Everything else passes
 * untouched — above all plain characters, digits, Enter, Tab and Backspace, which is how a card reader in
 * keyboard mode types a badge number, in bursts faster than any person.
 */
export function inputFilterDecision(input: KeyboardInput): InputVerdict {
  const shortcut = kioskShortcutOf(input);
  return shortcut === null ? { verdict: 'allow' } : { verdict: 'deny', shortcut };
}

// ---- Recovery ----

export const firstRestartDelayMs = 1_000;
export const longestRestartDelayMs = 60_000;

/**
 * How long to wait before the `attempt`-th (from 0) recovery of a crashed or hung renderer: doubling from one
 * second, at most a minute, so a renderer that crashes at once on every load does not spin the CPU.
 */
export function restartBackoffMs(attempt: number): number {
  return doublingStep(attempt, { first: firstRestartDelayMs, cap: longestRestartDelayMs });
}

// ---- The app protocol ----

/** A `.` or `..` path segment, plain or percent-encoded (`%2e%2e`, `.%2E`), between slashes or backslashes. */
const dotSegment = /(^|[/\\])(\.|%2e){1,2}([/\\?#]|$)/i;

/**
 * The file that app://dayroom/<path> names inside rootDir, or null when the URL is not ours or would reach
 * outside rootDir (item 18). A URL whose path tries to climb is refused outright: the URL parser would only
 * clamp `..` to the root, and our page never asks for such a thing. Each segment is then decoded once and
 * refused when it could still climb or jump (`..` or `.`, an encoded slash or backslash, NUL, an absolute
 * path); a final check that the result lies under rootDir backs all of that up.
 */
export function appProtocolPath(requestUrl: string, rootDir: string): string | null {
  if (!isAllowedAppUrl(requestUrl)) return null;
  // The parser drops tabs and newlines anywhere in a URL, so `.\t.` would otherwise slip past as `..`.
  if (dotSegment.test(requestUrl.replace(/[\t\n\r]/g, ''))) return null;
  const parsed = parseUrl(requestUrl);
  if (parsed === null) return null;
  const encodedPath = parsed.pathname.replace(/^\//, '') || 'index.html';
  const segments: string[] = [];
  for (const encodedSegment of encodedPath.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(encodedSegment);
    } catch {
      return null;
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\\0]/.test(segment) || isAbsolute(segment)) return null;
    segments.push(segment);
  }
  const file = join(rootDir, ...segments);
  const fromRoot = relative(rootDir, file);
  if (fromRoot === '' || fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot)) return null;
  return file;
}
