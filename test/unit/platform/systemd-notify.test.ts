// When the kiosk talks to systemd, and how often it feeds the watchdog (platform/systemd-notify.ts). The messages
// themselves reach a real NOTIFY_SOCKET in test/integration/host/supervised-host.test.ts.
import { describe, expect, it } from 'vitest';
import { answersWithin, createSystemdNotifier, notifyPlanOf } from '../../../platform/systemd-notify';

describe('notifyPlanOf', () => {
  it('is off without NOTIFY_SOCKET, or with it empty, whatever WATCHDOG_USEC says', () => {
    expect(notifyPlanOf({}).kind).toBe('off');
    expect(notifyPlanOf({ NOTIFY_SOCKET: '', WATCHDOG_USEC: '30000000' }).kind).toBe('off');
  });

  it('notifies without a watchdog when systemd set none', () => {
    expect(notifyPlanOf({ NOTIFY_SOCKET: '/run/systemd/notify' })).toEqual({
      kind: 'notify',
      socket: '/run/systemd/notify',
      watchdogIntervalMs: null,
      watchdogProblem: null,
    });
  });

  it('feeds the watchdog at half of WatchdogSec, never more often than every 100 ms', () => {
    expect(notifyPlanOf({ NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify', WATCHDOG_USEC: '30000000' })).toMatchObject({ watchdogIntervalMs: 15_000 });
    expect(notifyPlanOf({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '50' })).toMatchObject({ watchdogIntervalMs: 100 });
  });

  it('says what is wrong with a WATCHDOG_USEC it cannot use, and still notifies', () => {
    for (const usec of ['abc', '-5', '0', '1.5', '99999999999999999999']) {
      const plan = notifyPlanOf({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: usec });
      expect(plan).toMatchObject({ kind: 'notify', watchdogIntervalMs: null });
      expect(plan.kind === 'notify' ? plan.watchdogProblem : null).toContain(`WATCHDOG_USEC is not a positive whole number of microseconds: ${usec}`);
    }
  });
});

describe('createSystemdNotifier', () => {
  it('does nothing without NOTIFY_SOCKET: no process is run, no warning, no watchdog timer', () => {
    const warnings: string[] = [];
    const notifier = createSystemdNotifier({ env: {}, warn: (problem) => warnings.push(problem), systemdNotifyPath: '/nonexistent/systemd-notify' });
    let asked = 0;
    notifier.ready();
    const stop = notifier.startWatchdog(async () => {
      asked += 1;
      return true;
    });
    stop();
    expect(asked).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('warns in words, and does not throw, when systemd-notify cannot be run', async () => {
    const warnings: string[] = [];
    const notifier = createSystemdNotifier({
      env: { NOTIFY_SOCKET: '/nonexistent/notify.sock' },
      warn: (problem) => warnings.push(problem),
      systemdNotifyPath: '/nonexistent/systemd-notify',
    });
    notifier.ready();
    await expect.poll(() => warnings).toEqual([expect.stringContaining('systemd-notify READY=1 failed')]);
  });
});

describe('answersWithin', () => {
  it('is healthy only for an answer that is ok and in time', async () => {
    expect(await answersWithin(async () => ({ ok: true }), 1000)).toBe(true);
    expect(await answersWithin(async () => ({ ok: false }), 1000)).toBe(false);
    expect(await answersWithin(() => new Promise<{ ok: boolean }>(() => undefined), 20)).toBe(false);
  });
});
