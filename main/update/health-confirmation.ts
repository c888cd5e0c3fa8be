// A version on trial proves its health once, soon after it starts (docs/deployment.md §12 "Updates"): the shell says
// what healthy means for it (the web host: the device answers and the page is served; Electron: the window loaded and
// the device answers), and only then is the trial ended. A version that fails the check asks its supervisor for a
// restart, and the launcher, finding a trial that started and was never confirmed, goes back to the previous version.
import type { Logger } from '../logging';
import { confirmTrial, readInstallState } from './install-layout';

export interface HealthConfirmation {
  readonly root: string;
  readonly runningVersion: string;
  /** Resolves true when the app is healthy; the shell's own checks. */
  readonly healthy: () => Promise<boolean>;
  /** Called when the version on trial failed its check: the shell restarts (exit 75), and the launcher rolls back. */
  readonly onUnhealthy: () => void;
  readonly logger: Logger;
}

export type HealthConfirmationOutcome = 'noTrial' | 'confirmed' | 'unhealthy';

export async function confirmHealthOfTrial(confirmation: HealthConfirmation): Promise<HealthConfirmationOutcome> {
  const { root, runningVersion, logger } = confirmation;
  const trial = readInstallState(root).trial;
  if (trial === null || trial.version !== runningVersion) return 'noTrial';
  if (!(await confirmation.healthy())) {
    logger.error(
      { version: runningVersion, previous: trial.previous },
      'this version failed its health check on trial; restarting so the launcher goes back to the previous one',
    );
    confirmation.onUnhealthy();
    return 'unhealthy';
  }
  const outcome = confirmTrial(root, runningVersion);
  if (outcome === 'confirmed') logger.warn({ version: runningVersion, previous: trial.previous }, 'this version passed its health check: the update is kept');
  return outcome;
}
