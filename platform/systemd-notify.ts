// Tells systemd that the kiosk is serving (READY=1) and, while it is healthy, that it is still alive (WATCHDOG=1), so a
// unit with `Type=notify` and `WatchdogSec=` restarts a kiosk that hangs instead of leaving a frozen screen
// (docs/deployment.md §5 "The watchdog and restarts").
//
// Node has no unix datagram sockets, which is what NOTIFY_SOCKET is, so the messages go through the `systemd-notify`
// binary that ships with systemd itself: no native addon to rebuild for Electron's ABI, and by default it waits for
// systemd to have read the message (a barrier), so systemd can still tell which unit the short-lived sender belonged to.
// Because the sender is a child process, the units say `NotifyAccess=all`.
//
// Outside systemd (no NOTIFY_SOCKET: a developer's terminal, `npm start`, the tests) nothing is sent and nothing fails.
import { execFile } from 'node:child_process';

/** What the environment systemd gave us asks for. */
export type NotifyPlan =
  | { readonly kind: 'off'; readonly why: string }
  | {
      readonly kind: 'notify';
      readonly socket: string;
      /** How often to send WATCHDOG=1 while healthy: half of WatchdogSec, as sd_watchdog_enabled(3) advises; null without a watchdog. */
      readonly watchdogIntervalMs: number | null;
      /** Set when WATCHDOG_USEC is there but cannot be used: said in the log, never a reason not to start. */
      readonly watchdogProblem: string | null;
    };

/**
 * Reads NOTIFY_SOCKET and WATCHDOG_USEC as systemd sets them for the service's main process. WATCHDOG_PID is left
 * aside on purpose: in the Electron unit the main process is cage and the app its child, which inherits cage's
 * WATCHDOG_PID; the units' `NotifyAccess=all` is what lets the app (and the systemd-notify it runs) feed it.
 */
export function notifyPlanOf(env: Readonly<Record<string, string | undefined>>): NotifyPlan {
  const socket = env.NOTIFY_SOCKET ?? '';
  if (socket === '') return { kind: 'off', why: 'NOTIFY_SOCKET is not set: not started by systemd with Type=notify' };
  const usecText = env.WATCHDOG_USEC;
  if (usecText === undefined || usecText === '') return { kind: 'notify', socket, watchdogIntervalMs: null, watchdogProblem: null };
  const usec = /^\d+$/.test(usecText) ? Number(usecText) : Number.NaN;
  if (!Number.isSafeInteger(usec) || usec <= 0) {
    return { kind: 'notify', socket, watchdogIntervalMs: null, watchdogProblem: `WATCHDOG_USEC is not a positive whole number of microseconds: ${usecText}` };
  }
  // Half the watchdog time, so one late ping (a busy moment) does not end a healthy kiosk; never under 100 ms.
  return { kind: 'notify', socket, watchdogIntervalMs: Math.max(100, Math.floor(usec / 2000)), watchdogProblem: null };
}

export interface SystemdNotifier {
  readonly plan: NotifyPlan;
  /** READY=1, once the kiosk serves its screen. */
  ready(): void;
  /**
   * Starts feeding the watchdog: every interval `isHealthy` is asked, and only a `true` answer sends WATCHDOG=1. A kiosk
   * that stops answering is then restarted by systemd after WatchdogSec. Returns the stop function.
   */
  startWatchdog(isHealthy: () => Promise<boolean>): () => void;
}

export interface SystemdNotifierOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where a message could not be sent, or the watchdog setting is wrong: the log, never a crash. */
  readonly warn: (problem: string) => void;
  /** The binary; tests may point it elsewhere. */
  readonly systemdNotifyPath?: string;
}

/** One message to systemd; resolves whatever happens, and says a failure through `warn`. */
function send(binary: string, socket: string, assignments: readonly string[], warn: (problem: string) => void): Promise<void> {
  return new Promise((resolve) => {
    execFile(binary, [...assignments], { env: { ...process.env, NOTIFY_SOCKET: socket }, timeout: 10_000 }, (error, _stdout, stderr) => {
      if (error) warn(`systemd-notify ${assignments.join(' ')} failed: ${stderr.trim() || error.message}`);
      resolve();
    });
  });
}

export function createSystemdNotifier(options: SystemdNotifierOptions): SystemdNotifier {
  const plan = notifyPlanOf(options.env ?? process.env);
  const binary = options.systemdNotifyPath ?? 'systemd-notify';
  if (plan.kind === 'notify' && plan.watchdogProblem !== null) options.warn(plan.watchdogProblem);
  return {
    plan,
    ready() {
      if (plan.kind === 'off') return;
      void send(binary, plan.socket, ['READY=1'], options.warn);
    },
    startWatchdog(isHealthy) {
      if (plan.kind === 'off' || plan.watchdogIntervalMs === null) return () => undefined;
      const { socket, watchdogIntervalMs } = plan;
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      // One check at a time, the next only after the last has finished: a hung check never piles up processes.
      const tick = async (): Promise<void> => {
        const healthy = await isHealthy().catch(() => false);
        if (stopped) return;
        if (healthy) await send(binary, socket, ['WATCHDOG=1'], options.warn);
        if (!stopped) timer = setTimeout(() => void tick(), watchdogIntervalMs);
      };
      void tick();
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    },
  };
}

/**
 * The runtime's own health for the watchdog: the device answers a call (device.info) through its bridge within the
 * time given. It is the path every screen takes — the event loop, the dispatcher, the store behind it — so a device that
 * answers it is serving, and one that does not is stuck whatever else it is doing.
 */
export async function answersWithin(call: () => Promise<{ ok: boolean }>, timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([call().then((result) => result.ok), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
