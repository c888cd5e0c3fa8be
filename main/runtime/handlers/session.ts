// session.* calls: the page's PIN pad, cancel, touches and sign-out, each answered with the session's view.
import { waitFor } from 'xstate';
import { DeviceCallError, type CallHandlers } from '../../bridge/dispatch';
import type { SessionView } from '../../contract';
import { acceptsPin, sessionBusy, sessionViewOf } from '../../session/kiosk-session';
import type { SessionActor } from '../session-actor';

type SessionCalls = 'session.current' | 'session.enterPin' | 'session.cancel' | 'session.activity' | 'session.signOut';

export function sessionHandlers(session: SessionActor): Pick<CallHandlers, SessionCalls> {
  const view = (): SessionView => sessionViewOf(session.getSnapshot());
  /** A PIN is answered once its check has finished, so the page sees the outcome, not "checking". */
  const settle = () => waitFor(session, (snapshot) => !sessionBusy(snapshot), { timeout: 30_000 });
  return {
    'session.current': () => view(),
    'session.enterPin': async ({ pin }) => {
      if (!acceptsPin(session.getSnapshot())) throw new DeviceCallError('wrongPhase', 'There is no card or lock screen waiting for a PIN.');
      session.send({ type: 'PIN_ENTERED', pin });
      await settle();
      return view();
    },
    'session.cancel': () => {
      session.send({ type: 'CANCEL' });
      return view();
    },
    'session.activity': () => {
      session.send({ type: 'ACTIVITY' });
      return { done: true as const };
    },
    'session.signOut': () => {
      session.send({ type: 'SIGN_OUT' });
      return view();
    },
  };
}
