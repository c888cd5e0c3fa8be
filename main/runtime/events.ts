// The bridge's events: who listens, and telling them. A listener that throws is logged and never stops the others
// (or the runtime step that emitted).
import type { EventName, EventPayload } from '../contract';
import type { Logger } from '../logging';

export type EventListener = <N extends EventName>(name: N, payload: EventPayload<N>) => void;

export interface EventHub {
  readonly emit: EventListener;
  /** Adds a listener; the returned function removes it (the bridge's onEvent). */
  listen(listener: EventListener): () => void;
  clear(): void;
}

export function createEventHub(logger: Logger): EventHub {
  const listeners = new Set<EventListener>();
  const emit: EventListener = (name, payload) => {
    for (const listener of listeners) {
      try {
        listener(name, payload);
      } catch (error) {
        logger.error({ err: error, event: name }, 'event listener failed');
      }
    }
  };
  return {
    emit,
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear: () => listeners.clear(),
  };
}

/**
 * A notice with no payload whose listener is attached later than its sender is built: what lets a part built early
 * (the tablet assignment) reach one built after it (the session's notices) without a forward reference.
 */
export interface Signal {
  notify(): void;
  listen(listener: () => void): void;
}

export function createSignal(): Signal {
  const listeners: Array<() => void> = [];
  return {
    notify: () => listeners.forEach((listener) => listener()),
    listen: (listener) => {
      listeners.push(listener);
    },
  };
}
