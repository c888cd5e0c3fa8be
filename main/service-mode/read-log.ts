// The "test your card here" view's memory: the last reads of every reader, as service mode may show them. Built from
// what the credential mapper already decided (role, format) and whether someone with that card is known here; the
// card's text and id are never stored, so nothing here can leak them.
import type { ServiceRead } from '../contract';

export type ReadOutcome = ServiceRead['outcome'];

export interface ReadLog {
  /** Remembers one read and returns it as the screen sees it. */
  record(at: number, readerId: string, outcome: ReadOutcome): ServiceRead;
  /** Newest first. */
  recent(): ServiceRead[];
}

export function createReadLog(capacity: number): ReadLog {
  if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError('a read log holds at least one read');
  const reads: ServiceRead[] = [];
  let sequence = 0;
  return {
    record(at, readerId, outcome) {
      const read: ServiceRead = { sequence, at, readerId, outcome };
      sequence += 1;
      reads.unshift(read);
      if (reads.length > capacity) reads.length = capacity;
      return read;
    },
    recent: () => [...reads],
  };
}
