// The renderer's only door to the device: a DeviceApi derived from the contract, over any transport.
// Every result value and event payload is parsed with the contract's schema before a screen sees it,
// because the renderer trusts the runtime's answers no more than the runtime trusts the renderer's calls.
import {
  deviceCalls,
  deviceEvents,
  type CallInput,
  type CallName,
  type CallOutput,
  type CallResult,
  type DeviceApi,
  type DeviceErrorCode,
  type EventName,
  type EventPayload,
} from '../../../main/contract';
import { createListenerSet, type ConnectionState, type DeviceTransport } from './transport';

export const defaultCallTimeoutMs = 10_000;

/** A call that did not succeed, with a code the screens translate (`errors.<code>`). */
export class DeviceApiError extends Error {
  override readonly name = 'DeviceApiError';
  constructor(
    readonly code: DeviceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What the client threw away, for diagnostics; nothing here is shown to the person. */
export interface ClientCounters {
  malformedResults: number;
  malformedEvents: number;
  unknownEvents: number;
}

export interface DeviceClient extends DeviceApi {
  readonly counters: Readonly<ClientCounters>;
  connectionState(): ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

export interface DeviceApiOptions {
  callTimeoutMs?: number;
}

function isEventName(name: string): name is EventName {
  return Object.hasOwn(deviceEvents, name);
}

export function createDeviceApi(transport: DeviceTransport, options: DeviceApiOptions = {}): DeviceClient {
  const callTimeoutMs = options.callTimeoutMs ?? defaultCallTimeoutMs;
  const counters: ClientCounters = { malformedResults: 0, malformedEvents: 0, unknownEvents: 0 };
  const eventListeners = new Map<EventName, ReturnType<typeof createListenerSet<unknown>>>();

  function listenersFor(name: EventName): ReturnType<typeof createListenerSet<unknown>> {
    let set = eventListeners.get(name);
    if (!set) {
      set = createListenerSet<unknown>();
      eventListeners.set(name, set);
    }
    return set;
  }

  transport.onEvent(({ name, payload }) => {
    if (!isEventName(name)) {
      counters.unknownEvents += 1;
      return;
    }
    const parsed = deviceEvents[name].safeParse(payload);
    if (!parsed.success) {
      // A malformed event is dropped rather than shown: a screen drawn from half a view is worse than a late one.
      counters.malformedEvents += 1;
      return;
    }
    listenersFor(name).emit(parsed.data);
  });

  function sendWithTimeout(name: CallName, input: unknown): Promise<CallResult<unknown>> {
    const abort = new AbortController();
    return new Promise<CallResult<unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        abort.abort();
        reject(new DeviceApiError('timeout', `${name} got no answer within ${callTimeoutMs} ms.`));
      }, callTimeoutMs);
      transport.call(name, input, abort.signal).then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(new DeviceApiError('disconnected', `${name} could not be sent: ${error instanceof Error ? error.message : String(error)}`));
        },
      );
    });
  }

  return {
    counters,
    async call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
      const result = await sendWithTimeout(name, input);
      if (!result.ok) throw new DeviceApiError(result.error.code, result.error.message);
      const parsed = deviceCalls[name].output.safeParse(result.value);
      if (!parsed.success) {
        counters.malformedResults += 1;
        throw new DeviceApiError('internal', `${name} answered with a value that does not match the contract.`);
      }
      // Indexing deviceCalls with a generic N widens the schema to the union of all outputs; the entry is N's own.
      return parsed.data as CallOutput<N>;
    },
    on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void {
      // Payloads in the set for N were parsed with deviceEvents[N] above.
      return listenersFor(name).add(listener as (payload: unknown) => void);
    },
    connectionState: () => transport.connectionState(),
    onConnectionChange: (listener) => transport.onConnectionChange(listener),
  };
}
