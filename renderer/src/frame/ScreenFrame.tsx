// The kiosk screen frame (every resident and staff screen is one): a fixed top bar that says where the person is and
// holds language and text size (and a tablet's status line), one content region that scrolls inside itself, a fixed
// action bar with the screen's main actions, and — while someone types — the on-screen keyboard docked at the bottom
// with the action bar (and so Send) just above it. The page itself never scrolls: nothing a person needs sits below
// the fold, at any window size or text size.
import { createContext, useCallback, useContext, useEffect, useRef, type ReactNode, type RefObject } from 'react';
import type { LanguageCode } from '../../../main/contract';
import type { DeviceClient } from '../api/client';
import { ReadAloudButton } from '../components/ReadAloudButton';

/** What App puts in every frame's top bar; the screens do not pass it around. */
export interface FrameChrome {
  /** Language and text size. */
  displayControls: ReactNode;
  /** A tablet's status line (online, last synced, Sync now), or null on a wall kiosk and before sign-in. */
  statusLine: ReactNode | null;
  /** Who reads the screen aloud, in which language (docs/screens.md §12); null where nothing is read (tests of one part). */
  readAloud: { api: DeviceClient; language: LanguageCode } | null;
}

const FrameChromeContext = createContext<FrameChrome>({ displayControls: null, statusLine: null, readAloud: null });

export const FrameChromeProvider = FrameChromeContext.Provider;

export interface ScreenFrameProps {
  /** `data-screen`, by which tests and the fit check find the screen. */
  screen: string;
  /** Where the person is, as the top bar's heading. */
  title: ReactNode;
  /** A short line under the title (time left in the session, whose letters these are). */
  subtitle?: ReactNode;
  /**
   * What the screen asks of the person, in a sentence or two ("Scan your wristband to begin"): read aloud after the
   * heading by the top bar's read-aloud button, for a person who cannot read the screen.
   */
  instructions?: string;
  /** Ways to other screens of the same service (Mail: home, inbox, drafts, search), in the top bar. */
  navigation?: ReactNode;
  /**
   * The content is one list that scrolls itself (a virtualized conversation or inbox): the region gives it all its room
   * and does not scroll around it, so there is never a scroller inside a scroller.
   */
  contentScrollsItself?: boolean;
  /** The screen's main actions: Send, Buy, Back, Sign out. Kept in view at every size. */
  actions?: ReactNode;
  /** The on-screen keyboard while it is open; the content region shrinks above it and the action bar. */
  keyboard?: ReactNode;
  /** Hides language and text size (the PIN pad's screen keeps them; a dialog-like screen may not need them). */
  withoutDisplayControls?: boolean;
  /** Centres short content (attract, locked out) in the region. */
  centered?: boolean;
  contentRef?: RefObject<HTMLDivElement | null>;
  /** Extra attributes a screen's tests read (data-pin-subject, data-view). */
  dataAttributes?: Readonly<Record<`data-${string}`, string>>;
  children: ReactNode;
}

export function ScreenFrame({
  screen,
  title,
  subtitle,
  instructions,
  navigation,
  contentScrollsItself = false,
  actions,
  keyboard,
  withoutDisplayControls = false,
  centered = false,
  contentRef,
  dataAttributes,
  children,
}: ScreenFrameProps) {
  const chrome = useContext(FrameChromeContext);
  const heading = useRef<HTMLDivElement>(null);
  // What is on the screen when the button is pressed: the title and subtitle as shown (a title may be more than text),
  // then the instructions.
  const screenWords = useCallback(
    () =>
      [heading.current?.innerText ?? '', instructions ?? '']
        .map((part) => part.trim())
        .filter((part) => part !== '')
        .join('\n'),
    [instructions],
  );
  const headingTitle = useRef<HTMLHeadingElement>(null);
  // A new screen says where the person is: focus goes to its heading, so a screen reader reads it and Tab starts from the
  // top. Only when focus was lost with the old screen (on the page's body): a field or a dialog's button that the new
  // screen focused itself keeps it.
  useEffect(() => {
    if (document.activeElement === null || document.activeElement === document.body) headingTitle.current?.focus({ preventScroll: true });
  }, []);
  return (
    <main
      className={keyboard === undefined || keyboard === null ? `frame frame--${screen}` : `frame frame--${screen} frame--typing`}
      data-screen={screen}
      {...dataAttributes}
    >
      <header className="frame__top">
        <div className="frame__where" ref={heading}>
          <h1 className="frame__title" dir="auto" tabIndex={-1} ref={headingTitle}>
            {title}
          </h1>
          {subtitle === undefined || subtitle === null ? null : <div className="frame__subtitle">{subtitle}</div>}
        </div>
        {chrome.readAloud === null ? null : (
          <div className="frame__read-aloud">
            {/* Keyed by the screen and its view: moving to another screen is a new reader, so the old words stop. */}
            <ReadAloudButton
              key={`${screen}:${dataAttributes?.['data-view'] ?? ''}`}
              api={chrome.readAloud.api}
              language={chrome.readAloud.language}
              text={screenWords}
              reads="screen"
            />
          </div>
        )}
        {navigation === undefined || navigation === null ? null : <nav className="frame__nav">{navigation}</nav>}
        {withoutDisplayControls ? null : <div className="frame__controls">{chrome.displayControls}</div>}
        {chrome.statusLine === null ? null : <div className="frame__status">{chrome.statusLine}</div>}
      </header>
      {/* The one region that scrolls; in the Tab order, so a keyboard user can scroll a long letter without a pointer (axe: scrollable-region-focusable). */}
      <div
        className={['frame__content', centered ? 'frame__content--centered' : '', contentScrollsItself ? 'frame__content--list' : ''].join(' ').trim()}
        ref={contentRef}
        {...(contentScrollsItself ? {} : { 'data-scroll-region': '', tabIndex: 0 })}
      >
        {children}
      </div>
      {actions === undefined || actions === null ? null : <footer className="frame__actions">{actions}</footer>}
      {keyboard === undefined || keyboard === null ? null : <div className="frame__keyboard">{keyboard}</div>}
    </main>
  );
}
