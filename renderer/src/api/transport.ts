// The carrier under the typed client: Electron's preload or the web host's WebSocket.
// A transport moves untyped results and events; createDeviceApi (client.ts) does all the checking,
// so both carriers are held to the same contract by the same code.
import type { CallName, CallResult } from '../../../main/contract';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/** An event as it arrives, before the client checks its name and payload. */
export interface TransportEvent {
  name: string;
  payload: unknown;
}

export interface DeviceTransport {
  /**
   * Sends one call. Resolves with the runtime's result, or with `{ ok: false }` code `disconnected`
   * when the carrier is lost; it may also reject if the carrier itself breaks (the client maps that to
   * `disconnected`). `signal` aborts when the client gives up (timeout), so the transport can forget the call.
   */
  call(name: CallName, input: unknown, signal: AbortSignal): Promise<CallResult<unknown>>;
  onEvent(listener: (event: TransportEvent) => void): () => void;
  connectionState(): ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

/** A tiny listener set, shared by the transports and the client. */
export function createListenerSet<T>(): { add(listener: (value: T) => void): () => void; emit(value: T): void } {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit(value) {
      // A copy, so a listener that unsubscribes itself does not disturb the loop.
      for (const listener of [...listeners]) listener(value);
    },
  };
}
