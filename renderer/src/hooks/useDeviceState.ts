// Everything the screens draw from: the session view, the device's info and readers, and the connection.
// Views from events and from call results go through one door (applySession), where sign-out reloads the page.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeviceInfo, ReaderStatus, SessionView } from '../../../main/contract';
import type { DeviceClient } from '../api/client';
import type { ConnectionState } from '../api/transport';
import { mustResetPage } from '../session/sessionRules';
import { followRuntimeClock } from './runtimeClock';

/** How long to wait before asking again when the first session view could not be fetched. */
const retryFirstViewMs = 3000;

export interface DeviceState {
  session: SessionView | null;
  info: DeviceInfo | null;
  readers: readonly ReaderStatus[];
  connection: ConnectionState;
  applySession(view: SessionView): void;
  applyInfo(info: DeviceInfo): void;
}

export function useDeviceState(api: DeviceClient, resetPage: () => void): DeviceState {
  const [session, setSession] = useState<SessionView | null>(null);
  const [info, setInfo] = useState<DeviceInfo | null>(null);
  const [readers, setReaders] = useState<readonly ReaderStatus[]>([]);
  const [connection, setConnection] = useState<ConnectionState>(() => api.connectionState());
  const shownSession = useRef<SessionView | null>(null);
  // Every DeviceInfo carries the runtime's clock; countdowns follow it (hooks/runtimeClock.ts).
  const applyInfo = useCallback((next: DeviceInfo) => {
    followRuntimeClock(next.clockAt);
    setInfo(next);
  }, []);
  const resetting = useRef(false);

  const applySession = useCallback(
    (next: SessionView) => {
      if (resetting.current) return;
      if (mustResetPage(shownSession.current, next)) {
        resetting.current = true;
        resetPage();
        return;
      }
      shownSession.current = next;
      setSession(next);
    },
    [resetPage],
  );

  useEffect(() => {
    let mounted = true;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const ignoreFailure = (): void => undefined;

    function loadSession(): void {
      api.call('session.current', {}).then(applySession, () => {
        // Until a first view arrives the screen can only say "one moment", so keep asking.
        if (mounted && shownSession.current === null) {
          clearTimeout(retryTimer);
          retryTimer = setTimeout(loadSession, retryFirstViewMs);
        }
      });
    }
    // Also run after every reconnect: events sent while the connection was down are lost.
    function loadEverything(): void {
      loadSession();
      api.call('device.info', {}).then(applyInfo, ignoreFailure);
      api.call('device.readers', {}).then(setReaders, ignoreFailure);
    }

    const unsubscribers = [
      api.on('session.changed', applySession),
      api.on('device.infoChanged', applyInfo),
      api.on('device.readersChanged', setReaders),
      api.onConnectionChange((state) => {
        setConnection(state);
        if (state === 'connected') loadEverything();
      }),
    ];
    // The transport started before React did; a change that happened before we subscribed was missed.
    // eslint-disable-next-line react-hooks/set-state-in-effect -- reading an outside system once after subscribing to it
    setConnection(api.connectionState());
    loadEverything();
    return () => {
      mounted = false;
      clearTimeout(retryTimer);
      for (const unsubscribe of unsubscribers) unsubscribe();
    };
  }, [api, applySession, applyInfo]);

  return { session, info, readers, connection, applySession, applyInfo };
}
