// What a committed transaction changed that the hub's in-memory knowledge depends on (docs/sync.md §11 "Live
// changes"): the change-log audiences it appended to, and the devices whose rows it changed. A transaction announces
// them as it writes (HubTransaction.announce); once it commits, this process hears them at once and, on PostgreSQL,
// every other hub process hears them through LISTEN/NOTIFY — sent inside the transaction, so they arrive exactly when
// it commits and never when it rolls back.
import { z } from 'zod';
import type { CommitAnnouncements } from './database';

/** The channel every hub process LISTENs on. */
export const commitNotesChannel = 'dayroom_commits';

/**
 * An audience key, as the hub's watermarks and streams name it: `s:<site>` the whole site, `u:<unit>` a housing unit's
 * kiosks, `r:<resident>` the resident's tablets, `d:<device>` one device.
 */
export const AudienceKey = z.string().regex(/^[surd]:.{1,200}$/);
export type AudienceKey = z.infer<typeof AudienceKey>;

export const LogTouch = z.object({ site: z.string().min(1).max(200), keys: z.array(AudienceKey).max(1000), seq: z.number().int().positive() }).strict();
export type LogTouch = z.infer<typeof LogTouch>;

export const CommitNote = z
  .object({
    /** Per site: the audience keys appended to and the highest seq appended. */
    log: z.array(LogTouch).max(1000),
    /** Devices whose row changed (revoked, assigned, released, new scope). */
    devices: z.array(z.string().min(1).max(200)).max(1000),
    /** Set instead of the rest when the note was too large to send: the receiver must assume it missed anything. */
    overflow: z.literal(true).optional(),
    /** The hub process that committed it, so a process skips its own note when it comes back through LISTEN. */
    origin: z.string().max(64).optional(),
  })
  .strict();
export type CommitNote = z.infer<typeof CommitNote>;

/** What one transaction announced, merged: one touch per site (the keys together, the highest seq). */
export class CommitNoteBuilder implements CommitAnnouncements {
  private readonly sites = new Map<string, { keys: Set<AudienceKey>; seq: number }>();
  private readonly devices = new Set<string>();

  announceLog(site: string, keys: readonly AudienceKey[], seq: number): void {
    const entry = this.sites.get(site) ?? { keys: new Set<AudienceKey>(), seq: 0 };
    for (const key of keys) entry.keys.add(key);
    entry.seq = Math.max(entry.seq, seq);
    this.sites.set(site, entry);
  }

  announceDevice(deviceId: string): void {
    this.devices.add(deviceId);
  }

  isEmpty(): boolean {
    return this.sites.size === 0 && this.devices.size === 0;
  }

  build(): CommitNote {
    return {
      log: [...this.sites].map(([site, entry]) => ({ site, keys: [...entry.keys], seq: entry.seq })),
      devices: [...this.devices],
    };
  }
}

/** PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more; a note that large goes as an overflow. */
const maxPayloadBytes = 7900;

export function notePayload(note: CommitNote, origin: string): string {
  const payload = JSON.stringify({ ...note, origin });
  return Buffer.byteLength(payload) <= maxPayloadBytes ? payload : JSON.stringify({ log: [], devices: [], overflow: true, origin } satisfies CommitNote);
}

/** A payload heard on the channel: a note, or null when it does not parse (then the listener treats it as a gap). */
export function parseNotePayload(payload: string | undefined): CommitNote | null {
  if (payload === undefined) return null;
  try {
    const parsed = CommitNote.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Someone who keeps knowledge that commits can make stale. `committed` hears every note, in commit order for one
 * process's own transactions; `gap` says notes may have been missed (the LISTEN connection was lost, or a note could
 * not be read): forget everything learned from notes until `watching` is called again.
 */
export interface CommitWatcher {
  committed(note: CommitNote): void;
  gap(): void;
  /** Notes from here on will be heard (again): called once watching begins and after each gap has been mended. */
  watching(): void;
}

/**
 * The watchers of one database handle. A watcher that throws is reported and skipped: what it keeps may be wrong, but
 * a commit has happened and must never look as if it failed.
 */
export class CommitWatchers {
  private readonly watchers = new Set<CommitWatcher>();
  private listening: boolean;

  constructor(
    /** Whether notes are heard from the start (in-process) or only once a listener is up (PostgreSQL). */
    listeningFromStart: boolean,
    private readonly onWatcherError: (error: unknown) => void = () => undefined,
  ) {
    this.listening = listeningFromStart;
  }

  get size(): number {
    return this.watchers.size;
  }

  add(watcher: CommitWatcher): () => void {
    this.watchers.add(watcher);
    if (this.listening) this.call(() => watcher.watching());
    return () => {
      this.watchers.delete(watcher);
    };
  }

  committed(note: CommitNote): void {
    if (note.overflow === true) {
      // Nothing in it to learn from: everyone starts over, as after a lost connection.
      this.gap();
      this.watching();
      return;
    }
    for (const watcher of this.watchers) this.call(() => watcher.committed(note));
  }

  gap(): void {
    this.listening = false;
    for (const watcher of this.watchers) this.call(() => watcher.gap());
  }

  watching(): void {
    this.listening = true;
    for (const watcher of this.watchers) this.call(() => watcher.watching());
  }

  private call(deliver: () => void): void {
    try {
      deliver();
    } catch (error) {
      this.onWatcherError(error);
    }
  }
}
