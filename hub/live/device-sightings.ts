// When the hub last saw each device, written behind the pulls instead of inside them (docs/sync.md §11 "Live
// changes"): a pull is answered first, and its sighting joins the next batch. One batch is written at a time; what
// arrives meanwhile waits for the next one, so under load a thousand pulls cost one statement and when the hub is quiet
// a sighting is written a moment after its pull. A device seen again within `quietMs` with nothing new to say (no
// report, the same position) is not written again: the fleet view counts "not seen" in minutes, not seconds.
//
// A sighting lost to a hub process killed before its batch was written costs the fleet view one pull's freshness; the
// device says the same again at its next pull.
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { DeviceSighting } from '../services/device-health';

export const defaultSightingQuietMs = 60_000;
/** Rows per statement, well inside what one jsonb parameter carries comfortably. */
const maxBatch = 1000;
const retryAfterFailureMs = 1000;

export class DeviceSightingWriter {
  private readonly pending = new Map<string, DeviceSighting>();
  private readonly lastWritten = new Map<string, { readonly seenAt: number; readonly pulledThroughSeq: number }>();
  private writing: Promise<void> | null = null;
  private closed = false;
  private written = 0;
  private skipped = 0;
  private failures = 0;

  constructor(
    private readonly write: (batch: readonly DeviceSighting[]) => Promise<void>,
    private readonly logger: Pick<Logger, 'error' | 'info'>,
    private readonly quietMs = defaultSightingQuietMs,
  ) {}

  get counts(): { written: number; skipped: number; failures: number; pending: number } {
    return { written: this.written, skipped: this.skipped, failures: this.failures, pending: this.pending.size };
  }

  record(sighting: DeviceSighting): void {
    const waiting = this.pending.get(sighting.deviceId);
    if (waiting === undefined && sighting.health === null) {
      const last = this.lastWritten.get(sighting.deviceId);
      if (last !== undefined && last.pulledThroughSeq === sighting.pulledThroughSeq && sighting.seenAt - last.seenAt < this.quietMs) {
        this.skipped += 1;
        return;
      }
    }
    // One row per device per batch (the statement cannot touch a row twice): the newest sighting, keeping a report
    // an earlier one in the same batch carried when the newest has none.
    this.pending.set(sighting.deviceId, waiting !== undefined && sighting.health === null ? { ...sighting, health: waiting.health } : sighting);
    this.start();
  }

  /** Resolves once every sighting recorded before the call is written (or its write failed and will be retried). */
  async flush(): Promise<void> {
    while (this.writing !== null) await this.writing;
  }

  /** Stops taking sightings and tries once more to write what is waiting (a failure is logged, not retried). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.writing === null && this.pending.size > 0) this.run();
    await this.flush();
  }

  private start(): void {
    if (this.writing === null && !this.closed) this.run();
  }

  private run(): void {
    this.writing = this.drain().finally(() => {
      this.writing = null;
    });
  }

  private async drain(): Promise<void> {
    // A turn of the event loop first, so the pulls answered together are written together.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.size > 0) {
      const batch = [...this.pending.values()].slice(0, maxBatch);
      for (const sighting of batch) this.pending.delete(sighting.deviceId);
      try {
        await this.write(batch);
        this.written += batch.length;
        for (const sighting of batch) this.lastWritten.set(sighting.deviceId, { seenAt: sighting.seenAt, pulledThroughSeq: sighting.pulledThroughSeq });
      } catch (error) {
        this.failures += 1;
        this.logger.error(
          { errorName: error instanceof Error ? error.name : typeof error, sightings: batch.length },
          'device sightings could not be written; trying again',
        );
        // Put back what no newer sighting has replaced meanwhile, then wait before trying again.
        for (const sighting of batch) if (!this.pending.has(sighting.deviceId)) this.pending.set(sighting.deviceId, sighting);
        if (this.closed) return;
        await new Promise((resolve) => setTimeout(resolve, retryAfterFailureMs).unref());
        if (this.closed) return;
      }
    }
  }
}
