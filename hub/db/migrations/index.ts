// Every migration, in order. A migration is a numbered file exporting its SQL; add the next one here too (a test
// checks that this list and the folder agree).
import { sql as initial } from './0001-initial';
import { sql as auditLog } from './0002-audit-log';
import { sql as tabletAssignments } from './0003-tablet-assignments';
import { sql as stoppedLetters } from './0004-stopped-letters';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'audit-log', sql: auditLog },
  { version: 3, name: 'tablet-assignments', sql: tabletAssignments },
  { version: 4, name: 'stopped-letters', sql: stoppedLetters },
];
