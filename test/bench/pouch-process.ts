// The source side of sync-e2e's PouchDB baseline, in a process of its own as the Dayroom hub is (hub-process.ts): a
// PouchDB database on LevelDB (pouchdb-node) served over loopback HTTP by express-pouchdb, PouchDB's CouchDB-protocol
// server, in the mode PouchDB replication needs. The benchmark seeds it over IPC with the letters the hub's seed gives
// its resident (hub-seed.ts, e2eLetterRows), one document per change the hub would send, and replicates from its URL.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb-node';
import { messageChange, visibleToResident } from '../../hub/services/records';
import { serveParentRequests } from './child-ipc';
import { e2eLetterRows } from './hub-seed';

export type PouchRequest = { readonly command: 'seed'; readonly messages: number } | { readonly command: 'stop' };

export interface PouchSeed {
  /** The database's URL, for replicate.from. */
  readonly url: string;
  readonly docs: number;
  /** The documents as JSON (what bulkDocs was handed), in bytes: the size the hub's change rows' data has too. */
  readonly jsonBytes: number;
}

/** A letter as a document: what the hub's change row for it carries (entity, version, the MessageRecord). */
export interface LetterDoc {
  readonly _id: string;
  readonly entity: 'message';
  readonly version: number;
  readonly data: unknown;
}

const letterDatabase = 'letters';
const docsPerBulk = 1_000;

async function main(): Promise<void> {
  const dataDir = process.env.BENCH_POUCH_DATA_DIR;
  if (dataDir === undefined || dataDir === '') throw new Error('BENCH_POUCH_DATA_DIR names the source database folder');
  const SourcePouch = PouchDB.defaults({ prefix: `${dataDir}/` });
  // No response compression: the Dayroom hub sends its pages uncompressed too, and on loopback gzip is only CPU.
  const app = expressPouchDB(SourcePouch, {
    mode: 'minimumForPouchDB',
    overrideMode: { exclude: ['compression'] },
    inMemoryConfig: true,
    logPath: join(dataDir, 'log.txt'),
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function handle(request: PouchRequest): Promise<unknown> {
    switch (request.command) {
      case 'seed': {
        const db = new SourcePouch<Omit<LetterDoc, '_id'>>(letterDatabase);
        // The hub's ids for the resident and contacts are its own random UUIDs; these have the same length and form.
        const rows = e2eLetterRows(request.messages, Date.now(), randomUUID(), [randomUUID(), randomUUID(), randomUUID()]);
        // As the hub publishes: a letter review rejected is never sent to a device, so it is no document here either.
        const docs = rows.filter(visibleToResident).map((row): LetterDoc => {
          const change = messageChange(row, []);
          if (change.op !== 'upsert') throw new Error('a reviewed message is an upsert');
          return { _id: change.id, entity: 'message', version: change.version, data: change.data };
        });
        let jsonBytes = 0;
        for (let start = 0; start < docs.length; start += docsPerBulk) {
          const chunk = docs.slice(start, start + docsPerBulk);
          jsonBytes += Buffer.byteLength(JSON.stringify(chunk)) - 2 - (chunk.length - 1);
          const results = await db.bulkDocs(chunk);
          const failed = results.find((result) => 'error' in result);
          if (failed !== undefined) throw new Error(`seeding the source failed: ${JSON.stringify(failed)}`);
        }
        const info = await db.info();
        if (info.doc_count !== docs.length) throw new Error(`the source holds ${info.doc_count} documents, not ${docs.length}`);
        return { url: `${origin}/${letterDatabase}`, docs: docs.length, jsonBytes } satisfies PouchSeed;
      }
      case 'stop':
        server.closeAllConnections();
        server.close();
        setImmediate(() => process.exit(0));
        return null;
      default: {
        const unknown: never = request;
        throw new Error(`unknown command ${JSON.stringify(unknown)}`);
      }
    }
  }

  serveParentRequests<PouchRequest>(handle, { url: origin });
}

main().catch((error: unknown) => {
  console.error(`bench PouchDB source: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
