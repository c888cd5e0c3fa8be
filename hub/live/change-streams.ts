// One long-lived stream per connected device (server-sent events on hubPaths.changes), over which the hub says "you
// have changes": the device then pulls at once (docs/sync.md §11 "Live changes"). The stream carries no record, no
// cursor and no count — only that one of the device's audiences moved — so it needs no more trust than the pull it
// prompts, and losing an event costs only latency: the device still polls, at a long interval.
//
// What a stream may cost the hub is bounded: one stream per device (a second one replaces the first), a cap per
// client address and one for the whole process (beyond them a device is refused with 503 and keeps polling), events
// coalesced so that a notification storm sends each device at most one event per `minEventGapMs`, and a stream whose
// device stops reading (its socket buffer stays full) closed after `stalledCloseMs`.
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { AudienceKey } from '../db/commit-notes';
import type { ShortcutEvents } from './pull-shortcut';

/** The part of Node's ServerResponse a stream writes to. */
export interface StreamSink {
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  readonly writableNeedDrain: boolean;
  readonly destroyed: boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
}

export interface StreamLimits {
  /** Streams this process holds at most. */
  readonly maxStreams: number;
  /** Streams from one client address at most (a unit's devices behind one NAT share an address). */
  readonly maxPerAddress: number;
  /** A comment line this often keeps proxies and NATs from closing an idle stream, and finds dead peers. */
  readonly heartbeatMs: number;
  /** A stream whose buffer stayed full this long is closed: its device is not reading. */
  readonly stalledCloseMs: number;
  /** Two events to one device at least this far apart; what comes between is folded into the next. */
  readonly minEventGapMs: number;
}

export const defaultStreamLimits: StreamLimits = {
  maxStreams: 20_000,
  maxPerAddress: 5_000,
  heartbeatMs: 25_000,
  stalledCloseMs: 60_000,
  minEventGapMs: 250,
};

export type StreamRefusal = 'hubFull' | 'addressFull';

/** The SSE lines the hub sends; the device's reader (main/sync/change-stream.ts) knows the same names. */
export const streamEvents = {
  /** Sent once when the stream opens: the device pulls, as it may have missed changes while it had no stream. */
  ready: 'event: ready\ndata: {}\n\n',
  changes: 'event: changes\ndata: {}\n\n',
  heartbeat: ': keepalive\n\n',
} as const;

interface OpenStream {
  readonly deviceId: string;
  readonly address: string;
  keys: readonly AudienceKey[];
  readonly sink: StreamSink;
  lastEventAt: number;
  /** An event is owed: it is sent when the gap has passed, or when the buffer drains. */
  owed: boolean;
  timer: NodeJS.Timeout | null;
  /** Since when the socket's buffer has been full; null while it takes writes. */
  fullSince: number | null;
  /** Which of the heartbeat's slices this stream is beaten in. */
  readonly beatSlice: number;
}

/**
 * The heartbeat goes round the streams in this many slices, one slice per heartbeatMs / slices: 5,000 streams are
 * 200 writes a second instead of 5,000 in one tick every 25 s, which stalled the hub's event loop for half a second
 * and had 5,000 devices read at the same instant (BENCHMARKS.md, hub-steady).
 */
const heartbeatSlices = 25;

export interface StreamCounts {
  readonly open: number;
  readonly eventsSent: number;
  readonly refused: Readonly<Record<StreamRefusal, number>>;
  readonly closedStalled: number;
  readonly replaced: number;
}

export class ChangeStreams implements ShortcutEvents {
  private readonly byDevice = new Map<string, OpenStream>();
  private readonly byKey = new Map<AudienceKey, Set<OpenStream>>();
  private readonly perAddress = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly slices: Array<Set<OpenStream>> = Array.from({ length: heartbeatSlices }, () => new Set<OpenStream>());
  /** The slice the heartbeat beats next. */
  private nextSlice = 0;
  /** Streams are dealt to slices in turn, so even streams that all opened in the same second are beaten apart. */
  private opened = 0;
  private eventsSent = 0;
  private readonly refused: Record<StreamRefusal, number> = { hubFull: 0, addressFull: 0 };
  private closedStalled = 0;
  private replaced = 0;

  constructor(
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
    private readonly limits: StreamLimits = defaultStreamLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.heartbeat = setInterval(() => this.beat(), limits.heartbeatMs / heartbeatSlices);
    this.heartbeat.unref();
  }

  counts(): StreamCounts {
    return { open: this.byDevice.size, eventsSent: this.eventsSent, refused: { ...this.refused }, closedStalled: this.closedStalled, replaced: this.replaced };
  }

  /**
   * Opens a device's stream, after refusing it when a cap is reached (a device replacing its own stream never is).
   * The caller has written the response head; this sends `ready` and keeps the stream until its socket closes.
   */
  admit(deviceId: string, address: string): StreamRefusal | null {
    if (this.byDevice.has(deviceId)) return null;
    if (this.byDevice.size >= this.limits.maxStreams) return this.refuse('hubFull', deviceId, address);
    if ((this.perAddress.get(address) ?? 0) >= this.limits.maxPerAddress) return this.refuse('addressFull', deviceId, address);
    return null;
  }

  open(deviceId: string, address: string, keys: readonly AudienceKey[], sink: StreamSink): void {
    // Gone before it opened (the device gave up while it was being authenticated): nothing to keep.
    if (sink.destroyed) return;
    const previous = this.byDevice.get(deviceId);
    if (previous !== undefined) {
      // The device lost its old connection without the hub noticing, or opened a second one: one stream each.
      this.replaced += 1;
      this.close(previous);
    }
    const beatSlice = this.opened % heartbeatSlices;
    this.opened += 1;
    const stream: OpenStream = { deviceId, address, keys, sink, lastEventAt: 0, owed: false, timer: null, fullSince: null, beatSlice };
    this.byDevice.set(deviceId, stream);
    this.slices[beatSlice]?.add(stream);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    this.subscribe(stream);
    sink.once('close', () => this.forget(stream));
    this.send(stream, streamEvents.ready);
  }

  /** The device's audiences changed (a tablet assigned or released): its stream listens for the new ones. */
  updateKeys(deviceId: string, keys: readonly AudienceKey[]): void {
    const stream = this.byDevice.get(deviceId);
    if (stream === undefined || sameKeys(stream.keys, keys)) return;
    this.unsubscribe(stream);
    stream.keys = keys;
    this.subscribe(stream);
  }

  raised(_site: string, keys: readonly AudienceKey[]): void {
    const woken = new Set<OpenStream>();
    for (const key of keys) for (const stream of this.byKey.get(key) ?? []) woken.add(stream);
    for (const stream of woken) this.owe(stream);
  }

  resync(): void {
    for (const stream of this.byDevice.values()) this.owe(stream);
  }

  /**
   * A device's own row changed (revoked, assigned, released): it pulls at once, so a revoked or lost device hears it
   * now, and a reassigned tablet starts on its new person now.
   */
  wake(deviceIds: readonly string[]): void {
    for (const deviceId of deviceIds) {
      const stream = this.byDevice.get(deviceId);
      if (stream !== undefined) this.owe(stream);
    }
  }

  /** Closes every stream (the hub is shutting down); devices reconnect elsewhere or poll. */
  closeAll(): void {
    clearInterval(this.heartbeat);
    for (const stream of [...this.byDevice.values()]) this.close(stream);
  }

  private refuse(refusal: StreamRefusal, deviceId: string, address: string): StreamRefusal {
    this.refused[refusal] += 1;
    this.logger.warn({ deviceId, address, refusal, open: this.byDevice.size }, 'change stream refused: too many open');
    return refusal;
  }

  private owe(stream: OpenStream): void {
    stream.owed = true;
    if (stream.timer !== null || stream.fullSince !== null) return; // the timer or the drain sends it
    const wait = stream.lastEventAt + this.limits.minEventGapMs - this.now();
    if (wait <= 0) {
      this.payDebt(stream);
      return;
    }
    stream.timer = setTimeout(() => {
      stream.timer = null;
      this.payDebt(stream);
    }, wait);
    stream.timer.unref();
  }

  private payDebt(stream: OpenStream): void {
    if (!stream.owed || stream.fullSince !== null || this.byDevice.get(stream.deviceId) !== stream) return;
    stream.owed = false;
    stream.lastEventAt = this.now();
    this.eventsSent += 1;
    this.send(stream, streamEvents.changes);
  }

  private send(stream: OpenStream, chunk: string): void {
    if (stream.sink.destroyed) return;
    if (stream.sink.write(chunk) || stream.fullSince !== null) return;
    stream.fullSince = this.now();
    stream.sink.once('drain', () => {
      stream.fullSince = null;
      if (stream.owed) this.owe(stream);
    });
  }

  private beat(): void {
    const now = this.now();
    const slice = this.slices[this.nextSlice] ?? new Set<OpenStream>();
    this.nextSlice = (this.nextSlice + 1) % heartbeatSlices;
    for (const stream of [...slice]) {
      if (stream.fullSince !== null) {
        if (now - stream.fullSince >= this.limits.stalledCloseMs) {
          this.closedStalled += 1;
          this.logger.warn({ deviceId: stream.deviceId, address: stream.address }, 'change stream closed: its device has not read it for a minute');
          // Ending would wait for a buffer nobody reads: the socket is dropped instead.
          this.forget(stream);
          stream.sink.destroy();
        }
        continue;
      }
      this.send(stream, streamEvents.heartbeat);
    }
  }

  private close(stream: OpenStream): void {
    this.forget(stream);
    stream.sink.end();
  }

  private forget(stream: OpenStream): void {
    if (this.byDevice.get(stream.deviceId) !== stream) return;
    this.byDevice.delete(stream.deviceId);
    this.slices[stream.beatSlice]?.delete(stream);
    const remaining = (this.perAddress.get(stream.address) ?? 1) - 1;
    if (remaining > 0) this.perAddress.set(stream.address, remaining);
    else this.perAddress.delete(stream.address);
    this.unsubscribe(stream);
    if (stream.timer !== null) clearTimeout(stream.timer);
    stream.timer = null;
  }

  private subscribe(stream: OpenStream): void {
    for (const key of stream.keys) {
      const streams = this.byKey.get(key) ?? new Set<OpenStream>();
      streams.add(stream);
      this.byKey.set(key, streams);
    }
  }

  private unsubscribe(stream: OpenStream): void {
    for (const key of stream.keys) {
      const streams = this.byKey.get(key);
      if (streams === undefined) continue;
      streams.delete(stream);
      if (streams.size === 0) this.byKey.delete(key);
    }
  }
}

function sameKeys(left: readonly AudienceKey[], right: readonly AudienceKey[]): boolean {
  return left.length === right.length && left.every((key, index) => key === right[index]);
}
