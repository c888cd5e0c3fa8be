// Single-switch scanning, without the DOM: a highlight that moves by itself through the screen's controls at a set
// interval, and one switch press that acts on what is highlighted. A row of controls (a list, a group, a keyboard row)
// is offered as one stop first; pressing on it enters it and scans its members; a full pass inside it with no press
// leaves it again, so a person never waits through a long list one item at a time. Kept free of the DOM so its timing
// is tested with fake timers (test/unit/renderer/switchScanner.test.ts); useSwitchScanning gives it the page.

/** One stop of the scan: a control to act on, or a group to enter. */
export type ScanItem<Control> = { readonly kind: 'control'; readonly control: Control } | ScanGroup<Control>;

export interface ScanGroup<Control> {
  readonly kind: 'group';
  /** What the group is found by again after the screen changes: its container, and which part of it for a long one (0: all of it). */
  readonly anchor: unknown;
  readonly part: number;
  readonly members: readonly ScanItem<Control>[];
}

/** The timer functions, injected so tests drive them with fake timers. */
export interface ScanTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SwitchScannerOptions<Control> {
  /** How long each stop stays highlighted before the highlight moves on. */
  intervalMs: number;
  /** The screen's stops as they are now; asked again at every step, since the screen changes under the scan. */
  items(): readonly ScanItem<Control>[];
  /** Shows the highlight on a stop, or on nothing. */
  highlight(item: ScanItem<Control> | null): void;
  /** Acts on a control: presses a button, opens a field. */
  activate(control: Control): void;
  timers: ScanTimers;
}

export function sameItem<Control>(left: ScanItem<Control>, right: ScanItem<Control>): boolean {
  if (left.kind === 'control') return right.kind === 'control' && left.control === right.control;
  return right.kind === 'group' && left.anchor === right.anchor && left.part === right.part;
}

export class SwitchScanner<Control> {
  /** The groups the person has entered, outermost first. */
  private entered: ScanGroup<Control>[] = [];
  private current: ScanItem<Control> | null = null;
  private timer: unknown = null;
  private running = false;

  constructor(private readonly options: SwitchScannerOptions<Control>) {}

  /** The highlighted stop, or null when scanning is off or the screen has nothing to reach. */
  get highlighted(): ScanItem<Control> | null {
    return this.current;
  }

  /** Starts at the screen's first stop. */
  start(): void {
    this.running = true;
    this.entered = [];
    this.moveTo(this.levelItems()[0] ?? null);
  }

  stop(): void {
    this.running = false;
    this.clearTimer();
    this.entered = [];
    this.current = null;
    this.options.highlight(null);
  }

  /** The switch: enters the highlighted group, or acts on the highlighted control and scans again from the start of its row. */
  press(): void {
    if (!this.running) return;
    const items = this.levelItems();
    const current = this.current === null ? undefined : items.find((item) => sameItem(item, this.current!));
    if (current === undefined) {
      this.moveTo(items[0] ?? null);
      return;
    }
    switch (current.kind) {
      case 'group':
        this.entered.push(current);
        this.moveTo(current.members[0] ?? null);
        return;
      case 'control':
        this.options.activate(current.control);
        // The same row again from its start (a PIN is several presses on one pad); if the press changed the screen and
        // the row is gone, the next step finds that and starts over at the top.
        this.moveTo(items[0] ?? null);
        return;
      default: {
        const unknownItem: never = current;
        return unknownItem;
      }
    }
  }

  /** The stops at the level the person is in, leaving any entered group the screen no longer has. */
  private levelItems(): readonly ScanItem<Control>[] {
    let items = this.options.items();
    for (let depth = 0; depth < this.entered.length; depth += 1) {
      const group = items.find((item): item is ScanGroup<Control> => item.kind === 'group' && sameItem(item, this.entered[depth]!));
      if (group === undefined) {
        this.entered = this.entered.slice(0, depth);
        return items;
      }
      items = group.members;
    }
    return items;
  }

  private step(): void {
    const items = this.levelItems();
    const index = this.current === null ? -1 : items.findIndex((item) => sameItem(item, this.current!));
    if (index === -1) {
      this.moveTo(items[0] ?? null);
      return;
    }
    if (index === items.length - 1 && this.entered.length > 0) {
      // A full pass inside a group with no press: back out to the group itself, so the person can go on past it.
      const left = this.entered.pop()!;
      this.moveTo(this.levelItems().find((item) => sameItem(item, left)) ?? this.levelItems()[0] ?? null);
      return;
    }
    this.moveTo(items[(index + 1) % items.length] ?? null);
  }

  private moveTo(item: ScanItem<Control> | null): void {
    this.current = item;
    this.options.highlight(item);
    this.clearTimer();
    if (this.running) this.timer = this.options.timers.setTimeout(() => this.step(), this.options.intervalMs);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.options.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Splits a long row into parts of at most `size` stops each, so no one waits through a long list one item at a time. */
export function inParts<Control>(items: readonly ScanItem<Control>[], anchor: unknown, size: number): readonly ScanItem<Control>[] {
  if (items.length <= size) return items;
  const parts: ScanItem<Control>[] = [];
  for (let start = 0; start < items.length; start += size) {
    // Parts count from 1: part 0 is the whole row, so a part is never taken for the row that holds it.
    parts.push({ kind: 'group', anchor, part: start / size + 1, members: items.slice(start, start + size) });
  }
  return parts;
}
