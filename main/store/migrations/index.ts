import type { Migration } from '../migrate';
import { migration0001Residents } from './0001-residents';
import { migration0002ResidentLanguage } from './0002-resident-language';
import { migration0003PinLockouts } from './0003-pin-lockouts';
import { migration0004SyncState } from './0004-sync-state';
import { migration0005ResidentVersion } from './0005-resident-version';
import { migration0006SyncedRecords } from './0006-synced-records';
import { migration0007Mail } from './0007-mail';
import { migration0008MailSearchQueue } from './0008-mail-search-queue';
import { migration0009MailQueryIndexes } from './0009-mail-query-indexes';
import { migration0010AuditLog } from './0010-audit-log';
import { migration0011HubLockouts } from './0011-hub-lockouts';
import { migration0012LetterNotices } from './0012-letter-notices';
import { migration0013ConversationIndex } from './0013-conversation-index';
import { migration0014MessagingPauses } from './0014-messaging-pauses';
import { migration0015VisitCancellationReason } from './0015-visit-cancellation-reason';
import { migration0016SiteLanguages } from './0016-site-languages';
import { migration0017AnyResidentLanguage } from './0017-any-resident-language';
import { migration0018Captions } from './0018-captions';
import { migration0019LanguageChoiceMutation } from './0019-language-choice-mutation';

/** In order; a migration's version is its position (checked at open). */
export const deviceMigrations: readonly Migration[] = [
  migration0001Residents,
  migration0002ResidentLanguage,
  migration0003PinLockouts,
  migration0004SyncState,
  migration0005ResidentVersion,
  migration0006SyncedRecords,
  migration0007Mail,
  migration0008MailSearchQueue,
  migration0009MailQueryIndexes,
  migration0010AuditLog,
  migration0011HubLockouts,
  migration0012LetterNotices,
  migration0013ConversationIndex,
  migration0014MessagingPauses,
  migration0015VisitCancellationReason,
  migration0016SiteLanguages,
  migration0017AnyResidentLanguage,
  migration0018Captions,
  migration0019LanguageChoiceMutation,
];
