// What every hub service needs: the database, a clock, and the PIN and password hashing costs. The server, the CLI, the demo and
// the tests each build one; tests pass a controllable clock and a cheap scrypt cost.
import { checkText, textProblemSentence, type CaptionProblem, type TextKind, type TextProblem } from '../protocol/index';
import type { HubDatabase } from '../db/database';
import { defaultPinCost, type ScryptCost } from '../security/pin-hash';
import { defaultPasswordCost } from '../security/password-hash';

export interface HubContext {
  readonly database: HubDatabase;
  /** Epoch milliseconds. */
  readonly now: () => number;
  readonly pinCost: ScryptCost;
  /** The cost console passwords are hashed with (hub/security/password-hash.ts); tests pass a cheap one. */
  readonly passwordCost: ScryptCost;
  /**
   * Resolves once the device sightings this process has taken so far are written (hub/live/device-sightings.ts), so
   * the fleet view shows the pull that just happened. Resolves at once where nothing writes behind.
   */
  readonly sightingsWritten: () => Promise<void>;
}

export function hubContext(
  database: HubDatabase,
  options: { now?: () => number; pinCost?: ScryptCost; passwordCost?: ScryptCost; sightingsWritten?: () => Promise<void> } = {},
): HubContext {
  return {
    database,
    now: options.now ?? Date.now,
    pinCost: options.pinCost ?? defaultPinCost,
    passwordCost: options.passwordCost ?? defaultPasswordCost,
    sightingsWritten: options.sightingsWritten ?? (() => Promise.resolve()),
  };
}

/** Why a hub-side request (CLI, demo, tests) could not be done; the message is in words, for the person at the console. */
export type HubInputProblem = 'notFound' | 'invalid' | 'conflict';

export class HubInputError extends Error {
  constructor(
    readonly problem: HubInputProblem,
    message: string,
    /** Set when the text rule refused a text: the code behind the sentence. */
    readonly textProblem: TextProblem | null = null,
  ) {
    super(message);
    this.name = 'HubInputError';
  }
}

/** A video's caption file refused: the code behind the sentence, for a caller that acts on it. */
export class CaptionsRefused extends HubInputError {
  constructor(
    readonly captionProblem: CaptionProblem,
    message: string,
  ) {
    super('invalid', message);
    this.name = 'CaptionsRefused';
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

/**
 * Text from the console, the demo or a service caller, through the one text rule (rules/text.ts): the text to
 * store (NFC, line endings as `\n`, names trimmed), or a refusal in words that carries the rule's code. `field` starts
 * the sentence: "The contact's name contains …".
 */
export function checkedInputText(value: string, kind: TextKind, field: string): string {
  const checked = checkText(value, kind);
  if (!checked.ok) throw new HubInputError('invalid', textProblemSentence(checked.problem, field), checked.problem);
  return checked.text;
}
