// Every migration, in order. A migration is a numbered file exporting its SQL; add the next one here too (a test
// checks that this list and the folder agree).
import { sql as initial } from './0001-initial';
import { sql as auditLog } from './0002-audit-log';
import { sql as tabletAssignments } from './0003-tablet-assignments';
import { sql as deviceTrust } from './0004-device-trust';
import { sql as deviceScopes } from './0005-device-scopes';
import { sql as pinLockouts } from './0006-pin-lockouts';
import { sql as stoppedLetters } from './0007-stopped-letters';
import { sql as consoleAccounts } from './0008-console-accounts';
import { sql as review } from './0009-review';
import { sql as deviceHealth } from './0010-device-health';
import { sql as visitsMoney } from './0011-visits-money';
import { sql as contactBlocks } from './0012-contact-blocks';
import { sql as siteLanguages } from './0013-site-languages';
import { sql as consoleLanguage } from './0014-console-language';
import { sql as anyResidentLanguage } from './0015-any-resident-language';
import { sql as captionTracks } from './0016-caption-tracks';
import { sql as languageChosenAt } from './0017-language-chosen-at';
import { sql as reviewedMailRetention } from './0018-reviewed-mail-retention';
import { sql as appUpdates } from './0019-app-updates';
import { sql as changeLogBySite } from './0020-change-log-by-site';
import { sql as scopeReferences } from './0021-scope-references';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'audit-log', sql: auditLog },
  { version: 3, name: 'tablet-assignments', sql: tabletAssignments },
  { version: 4, name: 'device-trust', sql: deviceTrust },
  { version: 5, name: 'device-scopes', sql: deviceScopes },
  { version: 6, name: 'pin-lockouts', sql: pinLockouts },
  { version: 7, name: 'stopped-letters', sql: stoppedLetters },
  { version: 8, name: 'console-accounts', sql: consoleAccounts },
  { version: 9, name: 'review', sql: review },
  { version: 10, name: 'device-health', sql: deviceHealth },
  { version: 11, name: 'visits-money', sql: visitsMoney },
  { version: 12, name: 'contact-blocks', sql: contactBlocks },
  { version: 13, name: 'site-languages', sql: siteLanguages },
  { version: 14, name: 'console-language', sql: consoleLanguage },
  { version: 15, name: 'any-resident-language', sql: anyResidentLanguage },
  { version: 16, name: 'caption-tracks', sql: captionTracks },
  { version: 17, name: 'language-chosen-at', sql: languageChosenAt },
  { version: 18, name: 'reviewed-mail-retention', sql: reviewedMailRetention },
  { version: 19, name: 'app-updates', sql: appUpdates },
  { version: 20, name: 'change-log-by-site', sql: changeLogBySite },
  { version: 21, name: 'scope-references', sql: scopeReferences },
];
