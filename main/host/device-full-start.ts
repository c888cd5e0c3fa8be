// A start on a full disk is a screen in words, not a restart loop (issue 15, item 3). When the runtime cannot start
// because the disk is full, the shell serves a bridge that answers with the `deviceFull` session view and the device's
// info from its site file (so the screen is in the kiosk's language), and tries the start again now and then. When it
// succeeds, the switchable bridge hands every call and event to the real runtime from then on.
import type { KioskConfig } from '../../kiosk-config/schema';
import type { DeviceBridge } from '../bridge/dispatch';
import { deviceCalls, isCallName, type CallResult, type DeviceInfo, type EventName, type EventPayload, type LanguageCode, type SessionView } from '../contract';

type Listener = <N extends EventName>(name: N, payload: EventPayload<N>) => void;

const deviceFullView: SessionView = { phase: 'deviceFull' };

/** How often a device that could not start on a full disk tries again (DAYROOM_FULL_DISK_RETRY_MS in tests). */
export const fullDiskRetryMs = Number(process.env['DAYROOM_FULL_DISK_RETRY_MS'] ?? '') || 15_000;

/** The bridge a device that could not start serves: who it is and that it is full; every other call is refused in a code. */
export function deviceFullBridge(config: KioskConfig, appVersion: string, now: () => number = Date.now): DeviceBridge {
  let language: LanguageCode = config.languages.default;
  const listeners = new Set<Listener>();
  const info = (): DeviceInfo => ({
    deviceName: config.device.name,
    siteName: config.site.name,
    mode: config.device.mode,
    appVersion,
    languages: config.languages.offered,
    defaultLanguage: config.languages.default,
    language,
    keyboardWedge: null,
    // Who a tablet serves lives in the store, which did not open: the screen says only that the device is full.
    tablet: null,
    timeZone: config.site.timeZone,
    clockAt: now(),
  });
  const answer = (value: unknown): CallResult<unknown> => ({ ok: true, value });
  return {
    call: async (name, rawInput) => {
      if (typeof name !== 'string' || !isCallName(name)) return { ok: false, error: { code: 'unknownCall', message: 'There is no such call.' } };
      switch (name) {
        case 'session.current':
          return answer(deviceFullView);
        case 'device.info':
          return answer(info());
        case 'device.readers':
          return answer([]);
        case 'device.setLanguage': {
          // The person at the screen may read it in another offered language; nothing is stored.
          const parsed = deviceCalls['device.setLanguage'].input.safeParse(rawInput);
          if (!parsed.success || !config.languages.offered.includes(parsed.data.language)) {
            return { ok: false, error: { code: 'languageNotOffered', message: 'That language is not offered at this site.' } };
          }
          language = parsed.data.language;
          const next = info();
          for (const listener of listeners) listener('device.infoChanged', next);
          return answer(next);
        }
        default:
          return { ok: false, error: { code: 'deviceFull', message: `${name} is unavailable: this device could not start because its disk is full.` } };
      }
    },
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export interface SwitchableBridge extends DeviceBridge {
  /** From now on every call and event is the given bridge's. */
  switchTo(bridge: DeviceBridge): void;
}

/** One bridge for the web host while what stands behind it changes (the full-disk screen, then the started runtime). */
export function createSwitchableBridge(initial: DeviceBridge): SwitchableBridge {
  let current = initial;
  const listeners = new Set<Listener>();
  const forward: Listener = (name, payload) => {
    for (const listener of listeners) listener(name, payload);
  };
  let unsubscribe = current.onEvent(forward);
  return {
    call: (name, rawInput) => current.call(name, rawInput),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    switchTo(bridge) {
      unsubscribe();
      current = bridge;
      unsubscribe = current.onEvent(forward);
    },
  };
}
