// mail.* calls, each as the signed-in resident: conversations, drafts, sending, search, and stopped letters.
import { DeviceCallError, type CallHandlers } from '../../bridge/dispatch';
import type { CallName } from '../../contract';
import type { MailService } from '../../mail/mail-service';
import type { LetterNoticeQueries } from '../../store/letter-notices';
import type { StorageReserve } from '../../store/storage-reserve';
import type { CallerGuard } from './access';

type MailCalls = Extract<CallName, `mail.${string}`>;

export interface MailHandlerDeps {
  readonly mail: MailService;
  readonly letterNotices: Pick<LetterNoticeQueries, 'forResident' | 'markAllSeen'>;
  readonly storage: Pick<StorageReserve, 'roomForDeferrableWrites'>;
  readonly access: Pick<CallerGuard, 'forResident'>;
  readonly now: () => number;
}

export function mailHandlers({ mail, letterNotices, storage, access, now }: MailHandlerDeps): Pick<CallHandlers, MailCalls> {
  const { forResident } = access;
  return {
    'mail.conversations': () => forResident('mail.conversations', (residentId) => mail.conversations(residentId)),
    'mail.conversation': ({ contactId, page }) => forResident('mail.conversation', (residentId) => mail.conversation(residentId, contactId, page)),
    'mail.markRead': ({ messageId }) =>
      forResident('mail.markRead', (residentId) => {
        mail.markRead(residentId, messageId);
        return { done: true as const };
      }),
    'mail.cost': (request) => forResident('mail.cost', (residentId) => mail.cost(residentId, request)),
    'mail.send': (request) => forResident('mail.send', (residentId) => mail.send(residentId, request)),
    'mail.saveDraft': (draft) =>
      forResident('mail.saveDraft', (residentId) => {
        // Drafts are the first writes to stop on a full disk: the text stays on the person's screen, and what is left
        // of the disk goes to sync and the sign-out. They resume by themselves once there is room again.
        if (!storage.roomForDeferrableWrites()) throw new DeviceCallError('deviceFull', 'The draft was not saved: this device’s disk is full.');
        return mail.saveDraft(residentId, draft);
      }),
    'mail.drafts': () => forResident('mail.drafts', (residentId) => mail.drafts(residentId)),
    'mail.deleteDraft': ({ draftId }) =>
      forResident('mail.deleteDraft', (residentId) => {
        mail.deleteDraft(residentId, draftId);
        return { done: true as const };
      }),
    'mail.search': ({ query }) => forResident('mail.search', (residentId) => mail.search(residentId, query)),
    'mail.stoppedLetters': () =>
      forResident('mail.stoppedLetters', (residentId) =>
        letterNotices.forResident(residentId).map(({ reason, ...notice }) => ({ ...notice, reviewerReason: reason })),
      ),
    'mail.stoppedLettersSeen': () =>
      forResident('mail.stoppedLettersSeen', (residentId) => {
        letterNotices.markAllSeen(residentId, now());
        return { done: true as const };
      }),
  };
}
