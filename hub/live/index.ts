// The hub process's live knowledge (docs/sync.md §11 "Live changes"): which devices have nothing to pull, who holds a
// credential, which devices are listening on a stream, and when each was last seen. Built once per hub process by
// startHub, fed by the database's commit notes, and closed with the hub.
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { HubDatabase } from '../db/database';
import { recordDeviceSightings } from '../services/device-health';
import { DeviceCredentialCache } from './device-credentials';
import { DeviceSightingWriter } from './device-sightings';
import { ChangeStreams, defaultStreamLimits, type StreamCounts, type StreamLimits } from './change-streams';
import { PresumedScopes } from './presumed-scopes';
import { PullShortcut } from './pull-shortcut';

export interface HubLiveOptions {
  readonly streamLimits?: Partial<StreamLimits>;
  readonly credentialCacheSize?: number;
  /** How long a device seen again with nothing new is not written again (device-sightings.ts). */
  readonly sightingQuietMs?: number;
}

export interface HubLiveCounts {
  readonly pulls: { readonly answeredFromMemory: number; readonly fromDatabase: number };
  readonly streams: StreamCounts;
  readonly listening: boolean;
  readonly remembered: { readonly keys: number; readonly devices: number; readonly credentials: number; readonly scopes: number };
  readonly sightings: DeviceSightingWriter['counts'];
}

export class HubLive {
  readonly shortcut: PullShortcut;
  readonly credentials: DeviceCredentialCache;
  readonly streams: ChangeStreams;
  readonly sightings: DeviceSightingWriter;
  readonly scopes: PresumedScopes;
  private readonly stopWatching: () => void;
  private answeredFromMemory = 0;
  private fromDatabase = 0;

  constructor(database: HubDatabase, logger: Logger, now: () => number, options: HubLiveOptions = {}) {
    this.streams = new ChangeStreams(logger, { ...defaultStreamLimits, ...options.streamLimits }, now);
    this.shortcut = new PullShortcut(this.streams);
    this.credentials = new DeviceCredentialCache(options.credentialCacheSize);
    this.scopes = new PresumedScopes(options.credentialCacheSize);
    this.sightings = new DeviceSightingWriter((batch) => recordDeviceSightings(database, batch), logger, options.sightingQuietMs);
    const credentials = this.credentials;
    const shortcut = this.shortcut;
    const streams = this.streams;
    let wasListening = false;
    this.stopWatching = database.watchCommits({
      committed(note) {
        credentials.committed(note);
        shortcut.committed(note);
        streams.wake(note.devices);
      },
      gap() {
        credentials.gap();
        shortcut.gap();
        if (wasListening) logger.warn('commit notes lost (the database connection that listens for them): every pull asks the database until they are back');
        wasListening = false;
      },
      watching() {
        credentials.watching();
        shortcut.watching();
        if (!wasListening) logger.info('listening for commit notes');
        wasListening = true;
      },
    });
  }

  countPull(fromMemory: boolean): void {
    if (fromMemory) this.answeredFromMemory += 1;
    else this.fromDatabase += 1;
  }

  counts(): HubLiveCounts {
    return {
      pulls: { answeredFromMemory: this.answeredFromMemory, fromDatabase: this.fromDatabase },
      streams: this.streams.counts(),
      listening: this.shortcut.isListening,
      remembered: { ...this.shortcut.size, credentials: this.credentials.size, scopes: this.scopes.size },
      sightings: this.sightings.counts,
    };
  }

  /** Closes every stream, stops listening and writes the sightings still waiting. */
  async close(): Promise<void> {
    this.streams.closeAll();
    this.stopWatching();
    await this.sightings.close();
  }
}
