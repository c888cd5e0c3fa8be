// Keeps the mail search index caught up with the store, off the write path (store migration 0008). It indexes the
// queue in small transactions, yielding to the event loop between them so a reader event or a screen request is never
// held up by a catch-up of thousands of letters; and before a search it first indexes that person's waiting mail, so a
// search always sees everything the device holds for them.
import type { Logger } from 'pino';
import type { DeviceDatabase } from '../store/database';
import { storeQueriesOf } from '../store/store-queries';

/** Letters per transaction: about 25 ms of work on a kiosk, short enough that nothing waits behind it. */
export const searchIndexChunk = 250;

export interface SearchIndexer {
  /** Starts indexing the queue in the background if it is not already; cheap to call after every sync. */
  schedule(): void;
  /** Indexes this person's waiting mail now (before their search runs). */
  catchUpFor(residentId: string): void;
  /** Resolves when the queue is empty (tests and benchmarks). */
  whenIdle(): Promise<void>;
  /** Stops scheduling; an entry left in the queue is indexed after the next start. */
  stop(): void;
}

export interface SearchIndexerOptions {
  readonly db: DeviceDatabase;
  readonly logger: Logger;
  readonly chunk?: number;
}

export function createSearchIndexer(options: SearchIndexerOptions): SearchIndexer {
  const queries = storeQueriesOf(options.db).mailSearch;
  const chunk = options.chunk ?? searchIndexChunk;
  let running: Promise<void> | null = null;
  let stopped = false;

  const drain = async (): Promise<void> => {
    while (!stopped) {
      let taken: number;
      try {
        taken = queries.indexOldest(chunk);
      } catch (error) {
        // The store refused (full disk, closed): the entries stay queued for the next run; search still works on
        // what is indexed, and catchUpFor retries the person's own entries.
        options.logger.error({ err: error }, 'mail search indexing failed; will retry after the next sync');
        return;
      }
      if (taken < chunk) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };

  return {
    schedule() {
      if (stopped || running !== null) return;
      running = drain().finally(() => {
        running = null;
      });
    },
    catchUpFor(residentId) {
      queries.indexFor(residentId);
    },
    async whenIdle() {
      while (running !== null) await running;
    },
    stop() {
      stopped = true;
    },
  };
}
