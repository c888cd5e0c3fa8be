import type { StampHistoryEntry, StampHistoryKind } from '../../../../main/contract';

/**
 * Whether an entry moves the person's own stamps. A return stamp belongs to one reply to one letter: it is listed
 * coming and going so nothing is hidden, but it never was part of the balance the facility confirms.
 */
export function movesOwnStamps(kind: StampHistoryKind): boolean {
  switch (kind) {
    case 'purchase':
    case 'familyTransfer':
    case 'messageSent':
    case 'rejectionRefund':
    case 'other':
      return true;
    case 'returnStampReceived':
    case 'returnStampUsed':
      return false;
    default: {
      const unknownKind: never = kind;
      return unknownKind;
    }
  }
}

/**
 * Each history line (newest first) with the person's stamps just after it, counted back from the balance the facility
 * confirmed: the newest line ends at that balance, and each older one at that less what came after. Null where the
 * balance is not confirmed yet, and on a return stamp's lines (they never were in that balance).
 */
export function withRunningBalance(
  history: readonly StampHistoryEntry[],
  confirmedStamps: number | null,
): Array<{ entry: StampHistoryEntry; balanceAfter: number | null }> {
  let after = confirmedStamps;
  return history.map((entry) => {
    if (!movesOwnStamps(entry.kind)) return { entry, balanceAfter: null };
    const line = { entry, balanceAfter: after };
    if (after !== null) after -= entry.stamps;
    return line;
  });
}
