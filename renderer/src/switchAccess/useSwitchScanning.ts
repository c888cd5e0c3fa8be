// Single-switch scanning on the page (docs/screens.md §15): while it is on, a highlight moves by itself through the
// controls of the screen (only a modal dialog's while one is open) every `scanIntervalMs`, rows and lists first as one
// stop each, and the switch — Space or Enter, which is what a switch interface sends — acts on what is highlighted.
// Holding the switch down for `switchHoldMs` turns scanning on or off, so a person with only a switch can start it.
import { useEffect, useRef } from 'react';
import { inParts, SwitchScanner, type ScanItem } from './switchScanner';

/** How long each stop stays highlighted: long enough to read a button's words and press. */
export const scanIntervalMs = 1500;
/** Holding the switch this long turns scanning on or off. */
export const switchHoldMs = 2000;
/** The keys a switch interface sends. */
export const switchKeys: readonly string[] = [' ', 'Enter'];
/** Most stops one row offers before it is split into parts. */
const stopsPerPart = 6;

/**
 * What can be acted on: the page's controls and the on-screen keyboard's keys (which are not buttons). Not a region
 * that is in the Tab order only so a keyboard can scroll it: the scan scrolls to what it highlights, and pressing on a
 * region would do nothing.
 */
const controlSelector =
  'button:not([disabled]), input:not([disabled]):not([type="hidden"]), textarea:not([disabled]), select:not([disabled]), a[href], [role="button"], [role="link"], [role="checkbox"], [role="radio"], [role="tab"], .hg-button';
/** What makes a row: a group, a list, a navigation, a bar, the keyboard and its rows. */
const rowSelector = '[role="group"], [role="list"], ul, ol, nav, header, footer, .on-screen-keyboard, .hg-row, [data-scan-group]';

function shown(element: Element): boolean {
  if (element.closest('[inert], [hidden], [aria-hidden="true"]') !== null) return false;
  const rect = element.getBoundingClientRect();
  if (rect.width < 1 || rect.height < 1) return false;
  const style = getComputedStyle(element);
  return style.visibility !== 'hidden' && style.display !== 'none';
}

/** The row directly under `container` that holds `control`, if any. */
function outermostRowWithin(control: Element, container: Element): Element | null {
  let row: Element | null = null;
  for (let parent = control.parentElement; parent !== null && parent !== container; parent = parent.parentElement) {
    if (parent.matches(rowSelector)) row = parent;
  }
  return row;
}

/** The stops inside `container`: its controls, and each row of two or more controls as one stop. */
function stopsWithin(container: Element, controls: readonly Element[]): readonly ScanItem<Element>[] {
  const items: ScanItem<Element>[] = [];
  const rowsSeen = new Set<Element>();
  for (const control of controls) {
    const row = outermostRowWithin(control, container);
    if (row === null) {
      items.push({ kind: 'control', control });
      continue;
    }
    if (rowsSeen.has(row)) continue;
    rowsSeen.add(row);
    const inRow = controls.filter((candidate) => row.contains(candidate));
    const members = stopsWithin(row, inRow);
    if (members.length === 1) items.push(members[0]!);
    else items.push({ kind: 'group', anchor: row, part: 0, members: inParts(members, row, stopsPerPart) });
  }
  return inParts(items, container, stopsPerPart);
}

/** The screen's stops now: a modal dialog's when one is open, else the whole app's. */
export function pageStops(): readonly ScanItem<Element>[] {
  const dialog = Array.from(document.querySelectorAll('[aria-modal="true"]')).find(shown);
  const root = dialog ?? document.querySelector('.app') ?? document.body;
  const controls = Array.from(root.querySelectorAll(controlSelector)).filter(
    (control) => shown(control) && (control.parentElement?.closest('.hg-button') ?? null) === null,
  );
  return stopsWithin(root, controls);
}

function elementsOf(item: ScanItem<Element>): Element[] {
  return item.kind === 'control' ? [item.control] : item.members.flatMap(elementsOf);
}

/** The highlight: an attribute the styles draw a thick outline for (switchAccess.css), and focus on a button for a screen reader. */
function highlight(item: ScanItem<Element> | null): void {
  for (const marked of Array.from(document.querySelectorAll('[data-switch-highlight]'))) marked.removeAttribute('data-switch-highlight');
  if (item === null) return;
  const marked = item.kind === 'control' ? [item.control] : item.part === 0 && item.anchor instanceof Element ? [item.anchor] : elementsOf(item);
  for (const element of marked) element.setAttribute('data-switch-highlight', item.kind);
  const first = marked[0];
  if (first === undefined) return;
  first.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  // Focus follows a highlighted button so a screen reader says it; a field is only opened when chosen (focus would open its keyboard).
  if (item.kind === 'control' && first instanceof HTMLButtonElement) first.focus({ preventScroll: true });
}

/** Presses a control as a finger would: a button or link is clicked, a field opened, a keyboard key pressed down and up. */
function activate(control: Element): void {
  if (control.classList.contains('hg-button')) {
    // The on-screen keyboard's keys answer pointer events, not clicks.
    control.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    control.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
    return;
  }
  if (control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement || control instanceof HTMLSelectElement) control.focus();
  if (control instanceof HTMLElement) control.click();
}

/**
 * Scans the page while `enabled`; a switch held down for `switchHoldMs` calls `onToggle` (to turn it on or off). The
 * switch keys do nothing else while scanning, so a press never both moves and clicks.
 */
export function useSwitchScanning(enabled: boolean, onToggle: () => void): void {
  const toggle = useRef(onToggle);
  useEffect(() => {
    toggle.current = onToggle;
  }, [onToggle]);
  const scanner = useRef<SwitchScanner<Element> | null>(null);

  useEffect(() => {
    if (!enabled) return undefined;
    const started = new SwitchScanner<Element>({
      intervalMs: scanIntervalMs,
      items: pageStops,
      highlight,
      activate,
      timers: { setTimeout: (callback, ms) => window.setTimeout(callback, ms), clearTimeout: (handle) => window.clearTimeout(handle as number) },
    });
    scanner.current = started;
    started.start();
    return () => {
      started.stop();
      scanner.current = null;
    };
  }, [enabled]);

  // One pair of listeners for the page's life: a hold that turns scanning on must not end in a press of the new scan.
  useEffect(() => {
    let holdTimer: number | null = null;
    let held = false;
    const onKeyDown = (event: KeyboardEvent): void => {
      if (!switchKeys.includes(event.key)) return;
      if (scanner.current !== null) {
        event.preventDefault();
        event.stopPropagation();
      }
      if (event.repeat || holdTimer !== null) return;
      held = false;
      holdTimer = window.setTimeout(() => {
        held = true;
        toggle.current();
      }, switchHoldMs);
    };
    const onKeyUp = (event: KeyboardEvent): void => {
      if (!switchKeys.includes(event.key)) return;
      if (holdTimer !== null) window.clearTimeout(holdTimer);
      holdTimer = null;
      const wasHeld = held;
      held = false;
      if (wasHeld) {
        // The long press turned scanning on or off; it is not also a click on whatever had focus.
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      if (scanner.current === null) return;
      event.preventDefault();
      event.stopPropagation();
      scanner.current.press();
    };
    window.addEventListener('keydown', onKeyDown, true);
    window.addEventListener('keyup', onKeyUp, true);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      window.removeEventListener('keyup', onKeyUp, true);
      if (holdTimer !== null) window.clearTimeout(holdTimer);
    };
  }, []);
}
