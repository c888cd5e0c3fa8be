// Newline-delimited JSON over a Unix domain socket: how the developer tools (`npm run simulate`) and the tests reach
// a simulator that lives inside another process (the HID magstripe simulator in the web host, the demo's pty pairs).
// One command per line, one answer line per command, in order. The server never crashes on what a client sends:
// bad JSON, an overlong line or a handler that throws all become an `{ ok: false, error }` answer.
import { lstatSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { z } from 'zod';

/** What every answer looks like: ok with fields of the command's own, or an error in words. */
export type LineAnswer = { readonly ok: true; readonly [field: string]: unknown } | { readonly ok: false; readonly error: string };

const LineAnswerSchema = z.union([z.looseObject({ ok: z.literal(true) }), z.object({ ok: z.literal(false), error: z.string() })]);

/** Answers one parsed JSON value; may throw, which the server turns into an error answer. */
export type LineHandler = (message: unknown) => LineAnswer | Promise<LineAnswer>;

export interface LineSocketServer {
  readonly socketPath: string;
  /** Stops listening, ends open connections and removes the socket file. */
  close(): Promise<void>;
}

/** A command is a few hundred bytes; a line this long without a newline is not a client of ours. */
const maxLineBytes = 64 * 1024;
const defaultAnswerTimeoutMs = 5_000;

/** The socket is absent or nobody listens on it: the process that should serve it is not running. */
export class LineSocketUnavailableError extends Error {
  constructor(
    readonly socketPath: string,
    readonly code: string,
  ) {
    super(`nothing is listening on ${socketPath} (${code})`);
    this.name = 'LineSocketUnavailableError';
  }
}

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function failure(error: string): LineAnswer {
  return { ok: false, error };
}

/** True when another process answers on the socket; false when the file is a leftover of a process that died. */
function socketIsLive(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/**
 * A process killed with SIGKILL leaves its socket file behind, and listen() on an existing path fails with
 * EADDRINUSE; a restarted host must be able to take the path again. A live socket or a non-socket file is refused.
 */
async function clearStaleSocket(socketPath: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(socketPath).isSocket();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw error;
  }
  if (!isSocket) throw new Error(`${socketPath} exists and is not a socket; not replacing it`);
  if (await socketIsLive(socketPath)) throw new Error(`another process is already serving ${socketPath}`);
  rmSync(socketPath, { force: true });
}

async function answerLine(line: string, handle: LineHandler): Promise<LineAnswer> {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return failure('not a JSON command: send one JSON object per line, e.g. {"op":"status"}');
  }
  try {
    return await handle(message);
  } catch (error) {
    return failure(error instanceof Error ? error.message : 'the command failed');
  }
}

function serveConnection(socket: Socket, handle: LineHandler): void {
  let buffered = '';
  // Commands on one connection are answered in order, one at a time, even when a handler is slow.
  let queue: Promise<void> = Promise.resolve();
  socket.setEncoding('utf8');
  // A client that goes away mid-answer must not take the serving process down with an unhandled 'error'.
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== '') {
        queue = queue.then(async () => {
          const answer = await answerLine(line, handle);
          if (!socket.destroyed) socket.write(`${JSON.stringify(answer)}\n`);
        });
      }
      newline = buffered.indexOf('\n');
    }
    if (Buffer.byteLength(buffered) > maxLineBytes) {
      buffered = '';
      void queue.then(() => socket.end(`${JSON.stringify(failure(`a command line is at most ${maxLineBytes} bytes`))}\n`));
    }
  });
}

/** Listens on `socketPath` (removing a stale socket file first) and answers each line with `handle`. */
export async function serveLineSocket(socketPath: string, handle: LineHandler): Promise<LineSocketServer> {
  await clearStaleSocket(socketPath);
  const connections = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    serveConnection(socket, handle);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Errors after listening (a client resetting) concern one connection; the server keeps serving.
  server.on('error', () => undefined);
  let closing: Promise<void> | null = null;
  return {
    socketPath,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const socket of connections) socket.destroy();
        // The socket file goes with a clean close; rmSync covers a server that never got to unlink it.
        server.close(() => {
          rmSync(socketPath, { force: true });
          resolve();
        });
      });
      return closing;
    },
  };
}

/**
 * Sends one command and resolves with its answer. Rejects with LineSocketUnavailableError when nothing serves the
 * socket, and with an Error on a timeout or an answer that is not one.
 */
export function sendLineCommand(socketPath: string, command: unknown, timeoutMs = defaultAnswerTimeoutMs): Promise<LineAnswer> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffered = '';
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      outcome();
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`no answer on ${socketPath} within ${timeoutMs} ms`))), timeoutMs);
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(`${JSON.stringify(command)}\n`));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline === -1) return;
      const line = buffered.slice(0, newline);
      finish(() => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          reject(new Error(`the answer on ${socketPath} is not JSON`));
          return;
        }
        const answer = LineAnswerSchema.safeParse(parsed);
        if (answer.success) resolve(answer.data);
        else reject(new Error(`the answer on ${socketPath} is not an answer: ${line.slice(0, 200)}`));
      });
    });
    socket.once('error', (error) => {
      const code = errnoCode(error);
      finish(() => reject(code === 'ENOENT' || code === 'ECONNREFUSED' ? new LineSocketUnavailableError(socketPath, code) : error));
    });
    socket.once('close', () => finish(() => reject(new Error(`${socketPath} closed without an answer`))));
  });
}
