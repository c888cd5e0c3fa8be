import { useEffect } from 'react';
import type { SessionPhase } from '../../../main/contract';
import type { DeviceClient } from '../api/client';
import { createThrottle, phaseReportsActivity } from '../session/sessionRules';

/** At most one `session.activity` per this interval: enough to keep the idle timer fresh, little traffic. */
export const activityReportIntervalMs = 2000;

/**
 * Scrolling counts: a person reading a long letter touches nothing else for minutes, and being signed out mid-letter is
 * what they complained of. (`scroll` does not bubble, but a capturing listener on window still hears every element's.)
 */
const activityEvents = ['pointerdown', 'keydown', 'touchstart', 'wheel', 'scroll'] as const;

/** Tells the runtime the person is still there whenever they touch the screen, scroll or press a key. */
export function useActivityReporting(api: DeviceClient, phase: SessionPhase | null): void {
  useEffect(() => {
    if (phase === null || !phaseReportsActivity(phase)) return;
    const mayReport = createThrottle(activityReportIntervalMs);
    const report = (): void => {
      // A lost activity report only means the idle warning may show; not worth a message on screen.
      if (mayReport()) api.call('session.activity', {}).catch(() => undefined);
    };
    // Capture phase, so a control that stops propagation still counts as activity.
    for (const type of activityEvents) window.addEventListener(type, report, { capture: true, passive: true });
    return () => {
      for (const type of activityEvents) window.removeEventListener(type, report, { capture: true });
    };
  }, [api, phase]);
}
