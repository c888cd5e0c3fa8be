// Every refusal the hub sends has one shape (HubErrorBody): a stable code the device switches on, and a message in
// words. Routes throw HubHttpError; the server's error handler turns it, and everything else, into that shape.
import type { z } from 'zod';
import type { HubErrorBody, HubErrorCode } from '../protocol/index';

/** What a refusal may add for the device to say in words (HubErrorBody): the tries left, or a lockout's end. */
export interface HubErrorDetails {
  readonly attemptsLeft?: number;
  readonly lockedUntil?: number;
  /** With `mutationGap`: the id the hub expected next, so a device can re-send what a restored hub lost. */
  readonly expectedMutationId?: number;
}

export class HubHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: HubErrorCode,
    message: string,
    readonly details: HubErrorDetails = {},
  ) {
    super(message);
    this.name = 'HubHttpError';
  }
}

export function errorBody(code: HubErrorCode, message: string, details: HubErrorDetails = {}): HubErrorBody {
  return { error: { code, message, ...details } };
}

/** "mutations.0.args.bookSize: Too small: expected number to be >0" — the field first, so the sender can fix it. */
export function describeIssues(error: z.ZodError, maxIssues = 3): string {
  return error.issues
    .slice(0, maxIssues)
    .map((issue) => `${issue.path.length === 0 ? 'body' : issue.path.join('.')}: ${issue.message}`)
    .join('; ');
}

/** Parses a request part with a protocol schema, or throws a 400 naming the field. */
export function parseOrReject<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HubHttpError(400, 'badRequest', describeIssues(parsed.error));
  return parsed.data;
}
