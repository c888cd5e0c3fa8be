// What a service answers a device's mutation with: applied, or refused with a code the device words in the person's
// language (and an English reason for logs and staff). The services decide (messages.ts, ledgers.ts); push.ts only
// records the outcome under the mutation's id, exactly once.
import type { RefusalCode, RefusalFigures } from '../protocol/index';

export type Refusal = { readonly status: 'refused'; readonly code: RefusalCode; readonly reason: string; readonly figures?: RefusalFigures };
export type Outcome = { readonly status: 'applied' } | Refusal;

export const applied: Outcome = { status: 'applied' };

/** `reason` is English for logs and staff; the device words a refusal from `code` and `figures` in the person's language. */
export function refuse(code: RefusalCode, reason: string, figures?: RefusalFigures): Refusal {
  return figures === undefined ? { status: 'refused', code, reason } : { status: 'refused', code, reason, figures };
}

/** "1 stamp", "3 stamps": counts in refusal reasons. */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
