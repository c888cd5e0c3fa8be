// Types for the PouchDB baseline of sync-e2e (pouch-baseline.ts, pouch-process.ts), only what the benchmark uses.
// express-pouchdb and leveldown ship none; @types/pouchdb-core is not used because it declares a global Buffer and
// pulls in the DOM library for the whole project, which breaks the Node code's types.

declare module 'leveldown' {
  namespace leveldown {
    /** LevelDB's WriteOptions: `sync` makes the write fsync the log before it answers. */
    interface WriteOptions {
      sync?: boolean;
    }
    type Callback = (error?: Error | null) => void;
    /** abstract-leveldown's implementation hooks, which its public put/del/batch call after checking arguments. */
    interface LevelDown {
      _put(key: unknown, value: unknown, options: WriteOptions, callback: Callback): void;
      _del(key: unknown, options: WriteOptions, callback: Callback): void;
      _batch(operations: readonly unknown[], options: WriteOptions, callback: Callback): void;
      _chainedBatch(): ChainedBatch;
    }
    interface ChainedBatch {
      _write(options: WriteOptions, callback: Callback): void;
    }
    function destroy(location: string, callback: Callback): void;
  }
  function leveldown(location: string): leveldown.LevelDown;
  export = leveldown;
}

declare module 'pouchdb-node' {
  namespace PouchDB {
    interface Options {
      adapter?: 'leveldb' | 'http';
      /** Prepended to a local database's name: its folder. */
      prefix?: string;
      /** pouchdb-adapter-leveldb's store constructor (defaults to leveldown). */
      db?: (location: string) => import('leveldown').LevelDown;
      /** pouchdb-adapter-http's fetch (defaults to PouchDB.fetch); it hands over node-fetch's request and response. */
      fetch?: (url: string, init: unknown) => Promise<unknown>;
    }
    interface Info {
      readonly doc_count: number;
      readonly update_seq: number | string;
    }
    type BulkResult = { readonly ok: true; readonly id: string; readonly rev: string } | { readonly error: true | string; readonly id?: string };
    interface ReplicationResult {
      readonly ok: boolean;
      readonly docs_read: number;
      readonly docs_written: number;
      readonly doc_write_failures: number;
    }
    interface ReplicateOptions {
      /** Changes per batch read from the source and written to the target (default 100). */
      batch_size?: number;
      /** Batches in flight at once (default 10). */
      batches_limit?: number;
    }
    interface Database<Content> {
      info(): Promise<Info>;
      bulkDocs(docs: readonly (Content & { readonly _id: string })[]): Promise<BulkResult[]>;
      close(): Promise<void>;
      readonly replicate: { from(source: Database<Content> | string, options?: ReplicateOptions): Promise<ReplicationResult> };
    }
    interface Static {
      new <Content>(name: string, options?: Options): Database<Content>;
      defaults(options: Options): Static;
      fetch(url: string, init: unknown): Promise<unknown>;
      readonly version: string;
    }
  }
  const PouchDB: PouchDB.Static;
  export = PouchDB;
}

declare module 'express-pouchdb' {
  interface ExpressPouchOptions {
    mode?: 'fullCouchDB' | 'minimumForPouchDB' | 'custom';
    overrideMode?: { include?: readonly string[]; exclude?: readonly string[] };
    configPath?: string;
    logPath?: string;
    inMemoryConfig?: boolean;
  }
  /** An Express application serving the CouchDB HTTP API over databases made with `pouch`. */
  function expressPouchDB(
    pouch: import('pouchdb-node').Static,
    options?: ExpressPouchOptions,
  ): { listen(port: number, host: string): import('node:http').Server };
  export = expressPouchDB;
}
