// The one backoff: waits that double after each failure up to a cap, drawn with "full jitter" where many machines
// would otherwise retry in step. Sync (main/sync), photo downloads (main/sync/blobs.ts), the card readers' reopen
// (hardware/drivers), the renderer's reconnect (renderer/src/api), the Electron shell's renderer recovery and the
// wrong-PIN lockout (rules/pin-lockout.ts) all grow their waits here, so none can drift into a formula of its own.
//
// Pure: no Node, no DOM; the random draw is passed in so tests can pin it.

/** How a wait grows: the first step's length, doubled per further step, never past the cap. */
export interface DoublingSteps {
  /** The length of step 0. */
  readonly first: number;
  /** No step is longer. */
  readonly cap: number;
}

// 2^60 times any positive first step passes every cap a caller could mean; a higher exponent would only risk Infinity.
const largestExponent = 60;

/**
 * The length of step `step` (from 0): first × 2^step, at most the cap. A step that is not a finite positive number
 * counts as step 0, and a fractional one as its whole part, so a bad count can only make the wait shorter, never NaN.
 */
export function doublingStep(step: number, steps: DoublingSteps): number {
  const whole = Number.isFinite(step) && step > 0 ? Math.floor(step) : 0;
  return Math.min(steps.cap, steps.first * 2 ** Math.min(whole, largestExponent));
}

/**
 * Full jitter: a uniform draw in [0, ceiling), whole, and never below `floor` — full jitter alone could retry at once,
 * over and over. `random` returns a number in [0, 1); anything outside is clamped into it.
 */
export function fullJitter(ceiling: number, random: () => number, floor = 0): number {
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.max(floor, Math.floor(draw * ceiling));
}
