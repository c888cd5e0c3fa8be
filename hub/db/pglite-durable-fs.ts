// Makes the embedded hub's commits reach the disk before they are reported done.
//
// As shipped, PGlite cannot make a commit durable, for three reasons that stack (read in its 0.3 bundle):
//   1. it starts PostgreSQL with `-F` (fsync = off), so PostgreSQL never asks for a flush at all;
//   2. Emscripten's `fdatasync` (PostgreSQL's default WAL sync method on Linux) is a no-op that only checks the fd;
//   3. Emscripten's `fsync` calls the filesystem's `stream_ops.fsync`, and NODEFS (the filesystem PGlite mounts for a
//      data folder in Node) has none, so it is a no-op as well.
// So a committed push was a plain write(2) into the page cache: a power cut at the hub lost it after the device had
// been told it was done. This file undoes all three: PostgreSQL starts with fsync on and `wal_sync_method=fsync`, and
// NODEFS gets an `fsync` that is a real fsync(2) of the host file. Measured cost: BENCHMARKS.md ("Durable hub commits").
import { fsyncSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/** What PGlite's start parameters must not contain: `-F` turns PostgreSQL's fsync off. */
const fsyncOffFlag = '-F';

/**
 * PGlite's own start parameters (they carry its single-user settings) minus `-F`, with the WAL flushed by fsync, the
 * one sync call its Emscripten build passes on to the filesystem.
 */
export function durableStartParams(): string[] {
  return [
    ...PGlite.defaultStartParams.filter((parameter) => parameter !== fsyncOffFlag),
    '-c',
    'fsync=on',
    '-c',
    'wal_sync_method=fsync',
    '-c',
    'synchronous_commit=on',
  ];
}

/** Counts what reached the disk, for the test that proves a commit is flushed before it is answered. */
export interface FlushObserver {
  /** A write(2) to a file in the data folder (its path inside the folder). */
  wrote(path: string): void;
  /** A real fsync(2) of that file finished. */
  flushed(path: string): void;
}

/** The parts of Emscripten's NODEFS this file touches (its typings describe NODEFS only as a mount type). */
interface NodeFsStream {
  readonly nfd: number;
  readonly node: object;
}
interface NodeFsModule {
  stream_ops: {
    write: (stream: NodeFsStream, buffer: Uint8Array, offset: number, length: number, position: number) => number;
    fsync?: (stream: NodeFsStream) => number;
  };
  realPath(node: object): string;
  tryFSOperation<T>(operation: () => T): T;
}

function isNodeFsModule(candidate: unknown): candidate is NodeFsModule {
  if (typeof candidate !== 'object' || candidate === null) return false;
  const streamOps: unknown = Reflect.get(candidate, 'stream_ops');
  return (
    typeof streamOps === 'object' &&
    streamOps !== null &&
    typeof Reflect.get(streamOps, 'write') === 'function' &&
    typeof Reflect.get(candidate, 'realPath') === 'function' &&
    typeof Reflect.get(candidate, 'tryFSOperation') === 'function'
  );
}

/** Gives NODEFS a real fsync (and, with an observer, reports writes and flushes). Idempotent per module. */
function installFsync(nodefs: unknown, rootDir: string, observer: FlushObserver | undefined): void {
  // A PGlite release that reshapes NODEFS must fail the start loudly, never run silently without flushes.
  if (!isNodeFsModule(nodefs)) throw new Error('PGlite NODEFS does not have the expected shape; the hub cannot make its commits durable');
  const relative = (stream: NodeFsStream): string => nodefs.realPath(stream.node).slice(rootDir.length + 1);
  const originalWrite = nodefs.stream_ops.write;
  if (observer) {
    nodefs.stream_ops.write = (stream, buffer, offset, length, position) => {
      const written = originalWrite(stream, buffer, offset, length, position);
      observer.wrote(relative(stream));
      return written;
    };
  }
  nodefs.stream_ops.fsync = (stream) => {
    // tryFSOperation turns a Node error (EIO, ENOSPC) into an errno, so PostgreSQL sees the failed fsync and stops
    // (a data_sync_retry = off PANIC) rather than carrying on as if the data were safe.
    nodefs.tryFSOperation(() => fsyncSync(stream.nfd));
    observer?.flushed(relative(stream));
    return 0;
  };
}

/** PGlite's NodeFS (a host folder mounted as the data directory) with a real fsync. */
export class DurableNodeFS extends NodeFS {
  readonly #observer: FlushObserver | undefined;

  constructor(dataDir: string, observer?: FlushObserver) {
    super(dataDir);
    this.#observer = observer;
  }

  override async init(...args: Parameters<NodeFS['init']>): ReturnType<NodeFS['init']> {
    const opened = await super.init(...args);
    const preRun = opened.emscriptenOpts.preRun ?? [];
    return {
      emscriptenOpts: {
        ...opened.emscriptenOpts,
        // After NodeFS's own preRun has mounted the folder: patch the module's NODEFS before PostgreSQL opens a file.
        preRun: [...preRun, (mod) => installFsync(mod.NODEFS, this.rootDir, this.#observer)],
      },
    };
  }
}
