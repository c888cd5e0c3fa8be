// Electron's carrier: the named functions the preload exposes through contextBridge.
// What the preload hands over is still foreign input here, so its results are checked for shape too.
import { CallResultFrame, preloadGlobalName, type CallResult } from '../../../main/contract';
import { createListenerSet, type ConnectionState, type DeviceTransport, type TransportEvent } from './transport';

/** The object the preload puts on `window[preloadGlobalName]`. */
export interface PreloadBridge {
  call(name: string, input: unknown): Promise<unknown>;
  onEvent(listener: (event: TransportEvent) => void): () => void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The preload's bridge on `host` (the window), or null when the page runs in a plain browser. */
export function findPreloadBridge(host: object): PreloadBridge | null {
  const candidate: unknown = Reflect.get(host, preloadGlobalName);
  if (!isRecord(candidate) || typeof candidate.call !== 'function' || typeof candidate.onEvent !== 'function') return null;
  const { call, onEvent } = candidate;
  return {
    // Called with the bridge as `this`, as the preload wrote them.
    call: (name, input) => Promise.resolve<unknown>(Reflect.apply(call, candidate, [name, input])),
    onEvent: (listener) => {
      const unsubscribe: unknown = Reflect.apply(onEvent, candidate, [listener]);
      return typeof unsubscribe === 'function' ? () => void unsubscribe() : () => undefined;
    },
  };
}

export function createPreloadTransport(bridge: PreloadBridge): DeviceTransport {
  // IPC inside one Electron process does not drop and reconnect: the connection is always up.
  const state: ConnectionState = 'connected';
  const noConnectionChanges = createListenerSet<ConnectionState>();
  return {
    async call(name, input): Promise<CallResult<unknown>> {
      const parsed = CallResultFrame.safeParse(await bridge.call(name, input));
      if (parsed.success) return parsed.data;
      return { ok: false, error: { code: 'internal', message: `${name} came back from the preload in an unknown shape.` } };
    },
    onEvent: (listener) =>
      bridge.onEvent((event: unknown) => {
        // The client checks the name against the contract; here only that there is one.
        if (isRecord(event) && typeof event.name === 'string') listener({ name: event.name, payload: event.payload });
      }),
    connectionState: () => state,
    onConnectionChange: (listener) => noConnectionChanges.add(listener),
  };
}
