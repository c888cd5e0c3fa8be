// How every reader driver delivers its events: to each listener in turn, where one listener throwing (or the report
// of that failure throwing) never stops the others or the device; and the connection state, announced only when it
// changes. One definition for the serial and HID drivers.
import type { ReaderConnectionState, ReaderEvent } from '../reader';

export interface ReaderEventHub {
  emit(event: ReaderEvent): void;
  /** Emits a connection event when the state changes; the same state again says nothing. */
  setConnection(state: ReaderConnectionState, detail: string | null): void;
  connection(): ReaderConnectionState;
  /** For CredentialReader.onEvent: returns the unsubscribe function. */
  subscribe(listener: (event: ReaderEvent) => void): () => void;
}

export function createReaderEventHub(readerId: string, onListenerError: (error: unknown) => void): ReaderEventHub {
  const listeners = new Set<(event: ReaderEvent) => void>();
  let connection: ReaderConnectionState = 'disconnected';
  const emit = (event: ReaderEvent): void => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        try {
          onListenerError(error);
        } catch {
          // A failing error report must not stop the other listeners or the device either.
        }
      }
    }
  };
  return {
    emit,
    setConnection(state, detail) {
      if (state === connection) return;
      connection = state;
      emit({ type: 'connection', readerId, state, detail });
    },
    connection: () => connection,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
