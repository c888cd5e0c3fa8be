// Request/reply over Node's IPC channel between a benchmark and a process it forks (a hub under load has a core of
// its own and its own RSS). One definition of the plumbing for every benchmark that forks one.
import { fork, type ChildProcess } from 'node:child_process';
import { endWithThisProcess } from '../../hardware/simulators/helper-processes';

type Reply = { readonly id: number; readonly ok: true; readonly result: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

/** In the child: answers each request with `handle`, says it is ready, and ends when the parent goes away. */
export function serveParentRequests<Request>(handle: (request: Request) => Promise<unknown>, ready: Record<string, unknown>): void {
  process.on('message', (message: { id: number; request: Request }) => {
    handle(message.request).then(
      (result) => process.send?.({ id: message.id, ok: true, result } satisfies Reply),
      (error: unknown) =>
        process.send?.({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Reply),
    );
  });
  // The parent going away (a benchmark killed with Ctrl-C) ends the child too.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: true, ...ready });
}

export interface ForkedChild<Ready> {
  readonly child: ChildProcess;
  readonly ready: Ready;
  /** Sends one request; resolves with the child's answer, rejects with its error or when it exits. */
  call(request: unknown): Promise<unknown>;
  /** Asks the child to stop with `stopRequest`, and kills it if it has not exited within 15 s. */
  stop(stopRequest: unknown): Promise<void>;
}

/** In the parent: forks `script` under tsx and waits (up to 120 s) for its ready message. */
export async function forkWithRequests<Ready>(script: string, options: { cwd: string; env: NodeJS.ProcessEnv; label: string }): Promise<ForkedChild<Ready>> {
  // The child also ends when its IPC channel closes (serveParentRequests); this covers one that never got that far.
  const child = endWithThisProcess(
    fork(script, [], { cwd: options.cwd, execArgv: ['--import', 'tsx'], env: options.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.label} did not start within 120 s`)), 120_000);
    child.once('exit', (code) => reject(new Error(`${options.label} exited (${code}) before it was ready`)));
    child.on('message', (message: Reply | ({ ready: true } & Ready)) => {
      if ('ready' in message) {
        clearTimeout(timer);
        resolve(message);
        return;
      }
      const waiting = pending.get(message.id);
      if (waiting === undefined) return;
      pending.delete(message.id);
      if (message.ok) waiting.resolve(message.result);
      else waiting.reject(new Error(`${options.label}: ${message.error}`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  child.on('exit', (code) => {
    for (const waiting of pending.values()) waiting.reject(new Error(`${options.label} exited (${code})`));
    pending.clear();
  });
  const call = (request: unknown): Promise<unknown> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ id, request });
    });
  };
  return {
    child,
    ready,
    call,
    async stop(stopRequest) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ id: nextId++, request: stopRequest });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
