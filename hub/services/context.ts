// What every hub service needs: the database, a clock, and the PIN hashing cost. The server, the CLI, the demo and
// the tests each build one; tests pass a controllable clock and a cheap scrypt cost.
import type { HubDatabase } from '../db/database';
import { defaultPinCost, type ScryptCost } from '../security/pin-hash';

export interface HubContext {
  readonly database: HubDatabase;
  /** Epoch milliseconds. */
  readonly now: () => number;
  readonly pinCost: ScryptCost;
}

export function hubContext(database: HubDatabase, options: { now?: () => number; pinCost?: ScryptCost } = {}): HubContext {
  return { database, now: options.now ?? Date.now, pinCost: options.pinCost ?? defaultPinCost };
}

/** Why a hub-side request (CLI, demo, tests) could not be done; the message is in words, for the person at the console. */
export type HubInputProblem = 'notFound' | 'invalid' | 'conflict';

export class HubInputError extends Error {
  constructor(
    readonly problem: HubInputProblem,
    message: string,
  ) {
    super(message);
    this.name = 'HubInputError';
  }
}

export function notFound(message: string): HubInputError {
  return new HubInputError('notFound', message);
}

export function invalid(message: string): HubInputError {
  return new HubInputError('invalid', message);
}

export function conflict(message: string): HubInputError {
  return new HubInputError('conflict', message);
}
