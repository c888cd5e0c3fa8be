// What this hub process knows, without asking the database, about whether a device has anything to pull (docs/sync.md
// §11 "Live changes"). It answers "nothing new" only when it is sure, so an empty pull costs no query; any other answer
// sends the pull to the database as before.
//
// It is sure when both hold:
// - the device's cursor is one this process issued, after a database pull that reached the end of the device's
//   changes, since notes were last being heard without a gap. Change-log order is commit order (change-log.ts), so
//   that pull saw every row of the device's site up to the cursor (a pull that found nothing moves its cursor to the
//   site's last row: hub/services/pull.ts), and every row committed after it arrives as a note;
// - no note since has raised any of the device's audience keys past the cursor.
// A note naming the device (assigned, released, revoked) forgets its cursor; a gap (the LISTEN connection lost)
// forgets everything until notes are heard again.
import type { AudienceKey, CommitNote, CommitWatcher } from '../db/commit-notes';

export interface ShortcutEvents {
  /** Keys whose last seq rose: the devices listening for them have something to pull. */
  raised(site: string, keys: readonly AudienceKey[]): void;
  /** Notes may have been missed: every listening device should pull once to be sure. */
  resync(): void;
}

export interface IssuedPosition {
  readonly seq: number;
  readonly fingerprint: string | null;
}

export class PullShortcut implements CommitWatcher {
  private listening = false;
  /** Changes with every gap and every resumption: a cursor issued in one generation means nothing in the next. */
  private generation = 0;
  private readonly lastSeqs = new Map<AudienceKey, number>();
  private readonly issued = new Map<string, IssuedPosition>();

  constructor(private readonly events: ShortcutEvents) {}

  /** Pass to `issue`: the generation a database pull began in. */
  get currentGeneration(): number {
    return this.generation;
  }

  get isListening(): boolean {
    return this.listening;
  }

  /** How much is remembered (for the health route). */
  get size(): { readonly keys: number; readonly devices: number } {
    return { keys: this.lastSeqs.size, devices: this.issued.size };
  }

  committed(note: CommitNote): void {
    for (const deviceId of note.devices) this.issued.delete(deviceId);
    if (!this.listening) return;
    for (const touch of note.log) {
      const raised: AudienceKey[] = [];
      for (const key of touch.keys) {
        if ((this.lastSeqs.get(key) ?? 0) >= touch.seq) continue;
        this.lastSeqs.set(key, touch.seq);
        raised.push(key);
      }
      if (raised.length > 0) this.events.raised(touch.site, raised);
    }
  }

  gap(): void {
    this.listening = false;
    this.generation += 1;
    this.lastSeqs.clear();
    this.issued.clear();
  }

  watching(): void {
    const resumed = this.generation > 0;
    this.listening = true;
    this.generation += 1;
    if (resumed) this.events.resync();
  }

  /**
   * A database pull that began in `generation` gave the device everything in its scope up to `position`. Kept only if
   * no gap came between.
   */
  issue(deviceId: string, position: IssuedPosition, generation: number): void {
    if (!this.listening || generation !== this.generation) return;
    this.issued.set(deviceId, position);
  }

  /** True only when it is certain that the device, holding `position`, has nothing to pull for `keys`. */
  nothingNew(deviceId: string, keys: readonly AudienceKey[], position: IssuedPosition): boolean {
    if (!this.listening) return false;
    const issued = this.issued.get(deviceId);
    if (issued === undefined || issued.seq !== position.seq || issued.fingerprint !== position.fingerprint) return false;
    return keys.every((key) => (this.lastSeqs.get(key) ?? 0) <= position.seq);
  }
}
