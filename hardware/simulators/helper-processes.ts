// Helper processes — socat joining two ptys, a web host started for a test or a benchmark, a forked hub — that must not
// outlive the process that started them. A benchmark that fails to start, throws half-way or is stopped with Ctrl-C or
// `kill` would otherwise leave them running, holding ptys and ports, until someone finds them by hand.
//
// Each registered child gets SIGCONT (a test may have frozen it) and SIGTERM when this process exits (normally, by an
// uncaught error, or by process.exit) or receives SIGINT, SIGTERM or SIGHUP. SIGTERM and not SIGKILL: socat removes
// its pty links on SIGTERM and the web host closes its store. A SIGKILL of this process can run no code; socat and the
// host are then left to whoever holds the process group (a terminal's Ctrl-C reaches the whole group anyway).
import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();
const endingSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let hooksInstalled = false;

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function endAll(): void {
  for (const child of running) {
    if (hasExited(child)) continue;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
  }
  running.clear();
}

function onEndingSignal(signal: NodeJS.Signals): void {
  endAll();
  process.off(signal, onEndingSignal);
  // Another listener (a test runner, the demo) decides for itself what the signal means. With none left, the signal's
  // own default applies — the process ends by it, and its parent sees that — as if this hook had never been here.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', endAll);
  for (const signal of endingSignals) process.on(signal, onEndingSignal);
}

/** Ends `child` (SIGTERM) when this process ends or is told to end; forgets it once it has exited by itself. */
export function endWithThisProcess<Child extends ChildProcess>(child: Child): Child {
  installHooks();
  if (hasExited(child)) return child;
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}
