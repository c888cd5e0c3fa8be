// Turns an untrusted (name, input) pair from either shell into a checked call on the runtime.
// Both the Electron IPC handler and the web host's WebSocket go through here, so parsing,
// authorization and error shaping happen once, in the runtime, never in the renderer.
import {
  deviceCalls,
  isCallName,
  type CallAccess,
  type CallInput,
  type CallName,
  type CallOutput,
  type CallResult,
  type DeviceError,
  type DeviceErrorCode,
  type EventName,
  type EventPayload,
} from '../contract';
import { isStorageFull } from '../store/storage-full';
import { refusalOfServiceError } from './service-errors';

export type CallHandlers = { [N in CallName]: (input: CallInput<N>) => Promise<CallOutput<N>> | CallOutput<N> };

/** What the runtime knows about who is in front of the screen, for authorization. */
export type SessionAccess = { kind: 'none' } | { kind: 'resident'; residentId: string } | { kind: 'staff'; staffId: string };

/** A refusal the caller can show in words; thrown by handlers, turned into `{ ok: false }` here. */
export class DeviceCallError extends Error {
  override readonly name = 'DeviceCallError';
  constructor(
    readonly code: DeviceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface DeviceBridge {
  /** Never throws and never rejects: every failure is a `{ ok: false }` with a code. */
  call(name: string, rawInput: unknown): Promise<CallResult<unknown>>;
  onEvent(listener: <N extends EventName>(name: N, payload: EventPayload<N>) => void): () => void;
}

export interface BridgeCounters {
  calls: number;
  refused: Record<DeviceErrorCode, number>;
}

function allowed(access: CallAccess, session: SessionAccess): boolean {
  switch (access) {
    case 'anyone':
      return true;
    case 'resident':
      return session.kind === 'resident';
    case 'staff':
      return session.kind === 'staff';
    default: {
      const unreachable: never = access;
      return unreachable;
    }
  }
}

export interface DispatcherOptions {
  handlers: CallHandlers;
  currentAccess: () => SessionAccess;
  /** Called for failures that are not the caller's fault, to be logged (without payloads). */
  onInternalError: (name: CallName, error: unknown) => void;
  /**
   * Called when a handler failed because the disk is full, before the caller hears `deviceFull`: the runtime gives its
   * reserve back there, so the sign-out and sync that follow have room.
   */
  onStorageFull?: (name: CallName) => void;
}

export function createDispatcher(options: DispatcherOptions): { call: DeviceBridge['call']; counters: BridgeCounters } {
  const counters: BridgeCounters = {
    calls: 0,
    refused: {
      invalidInput: 0,
      unknownCall: 0,
      notSignedIn: 0,
      notAuthorized: 0,
      wrongPhase: 0,
      languageNotOffered: 0,
      noKeyboardReader: 0,
      unavailable: 0,
      timeout: 0,
      disconnected: 0,
      deviceFull: 0,
      internal: 0,
    },
  };
  const refuse = (error: DeviceError): CallResult<unknown> => {
    counters.refused[error.code] += 1;
    return { ok: false, error };
  };

  /**
   * The promise to both shells: never a rejection. Anything thrown on the way — a handler, the session lookup, or the
   * error reporter itself (a log on a full disk) — becomes an `internal` refusal.
   */
  async function call(name: string, rawInput: unknown): Promise<CallResult<unknown>> {
    try {
      return await checkedCall(name, rawInput);
    } catch {
      return refuse({ code: 'internal', message: 'The call failed inside the device.' });
    }
  }

  async function checkedCall(name: string, rawInput: unknown): Promise<CallResult<unknown>> {
    counters.calls += 1;
    if (typeof name !== 'string' || !isCallName(name)) {
      return refuse({ code: 'unknownCall', message: `There is no call named ${JSON.stringify(String(name).slice(0, 64))}.` });
    }
    const definition = deviceCalls[name];
    const session = options.currentAccess();
    if (!allowed(definition.access, session)) {
      return refuse(
        session.kind === 'none'
          ? { code: 'notSignedIn', message: `${name} needs someone signed in.` }
          : { code: 'notAuthorized', message: `${name} is not available in this session.` },
      );
    }
    const parsed = definition.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      return refuse({ code: 'invalidInput', message: `${name}: ${first ? `${first.path.join('.') || 'input'}: ${first.message}` : 'invalid input'}` });
    }
    try {
      const handler = options.handlers[name] as (input: unknown) => Promise<unknown> | unknown;
      const value = await handler(parsed.data);
      return { ok: true, value: definition.output.parse(value) };
    } catch (error) {
      if (error instanceof DeviceCallError) return refuse({ code: error.code, message: error.message });
      const serviceRefusal = refusalOfServiceError(error);
      if (serviceRefusal !== null) return refuse(serviceRefusal);
      // A full disk is a state the screen says in words ("this device is full"), not an internal failure.
      if (isStorageFull(error)) {
        try {
          options.onStorageFull?.(name);
        } catch {
          // Giving the reserve back failed too; the caller still hears that the device is full.
        }
        return refuse({ code: 'deviceFull', message: `${name} could not be saved: this device's disk is full.` });
      }
      try {
        options.onInternalError(name, error);
      } catch {
        // The report failed too (its log on a full disk): the caller still gets its answer.
      }
      return refuse({ code: 'internal', message: `${name} failed inside the device; the error was logged.` });
    }
  }

  return { call, counters };
}
