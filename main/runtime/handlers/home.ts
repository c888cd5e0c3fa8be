// home.summary: what the home screen's tiles show for the signed-in resident.
import { DeviceCallError, type CallHandlers } from '../../bridge/dispatch';
import { signedInResidentId } from '../../session/kiosk-session';
import type { HomeSummaryQueries } from '../../store/home-summary';
import type { LetterNoticeQueries } from '../../store/letter-notices';
import type { VisitsService } from '../../visits/visits-service';
import type { SessionHandle } from '../session-actor';

export interface HomeHandlerDeps {
  readonly session: Pick<SessionHandle, 'getSnapshot'>;
  readonly homeSummaries: HomeSummaryQueries;
  readonly visits: Pick<VisitsService, 'next'>;
  readonly letterNotices: Pick<LetterNoticeQueries, 'unseenCount'>;
  readonly now: () => number;
}

export function homeHandlers({ session, homeSummaries, visits, letterNotices, now }: HomeHandlerDeps): Pick<CallHandlers, 'home.summary'> {
  return {
    'home.summary': () => {
      // The dispatcher let this through for a signed-in resident; read whose home it is from the session itself.
      const residentId = signedInResidentId(session.getSnapshot());
      if (!residentId) throw new DeviceCallError('notSignedIn', 'home.summary needs someone signed in.');
      return {
        ...homeSummaries.forResident(residentId),
        nextVisit: visits.next(residentId),
        stoppedLetters: letterNotices.unseenCount(residentId),
        messagingPause: homeSummaries.messagingPause(residentId, now()),
      };
    },
  };
}
