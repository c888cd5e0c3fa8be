// The web host's carrier: calls and events as JSON frames over one WebSocket, reconnecting with backoff.
// The socket itself is injected (see connect.ts for the browser one) so this logic runs in unit tests.
import { maxCallFrameBytes, utf8ByteLength, type CallName, type CallResult } from '../../../main/contract';
import { encodeCallFrame, parseServerFrame, reconnectDelayMs } from './frames';
import { createListenerSet, type ConnectionState, type DeviceTransport, type TransportEvent } from './transport';

export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: unknown): void;
  /** Called once when the socket closes or fails to open. */
  onClose(): void;
}

export interface SocketConnection {
  send(text: string): void;
  close(): void;
}

/** Opens a socket; like the browser's WebSocket, it must call its handlers later, never from inside this call. */
export type OpenSocket = (url: string, handlers: SocketHandlers) => SocketConnection;

export interface SocketTransportStats {
  /** Frames that were not valid ServerFrames: ignored. */
  badFrames: number;
  /** `refused` frames: the host would not take something we sent. */
  refusedFrames: number;
  /** Results for calls no one waits for any more (they timed out). */
  lateResults: number;
  reconnects: number;
}

export interface WebSocketTransport extends DeviceTransport {
  readonly stats: Readonly<SocketTransportStats>;
  /** Closes the socket for good (no reconnect). */
  close(): void;
}

export interface WebSocketTransportOptions {
  url: string;
  openSocket: OpenSocket;
  reconnectDelay?: (failedAttempts: number) => number;
}

interface PendingCall {
  name: CallName;
  frame: string;
  sent: boolean;
  resolve(result: CallResult<unknown>): void;
}

const disconnectedResult = (name: string): CallResult<unknown> => ({
  ok: false,
  error: { code: 'disconnected', message: `The connection to the device was lost before ${name} was answered.` },
});

export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const reconnectDelay = options.reconnectDelay ?? reconnectDelayMs;
  const stats: SocketTransportStats = { badFrames: 0, refusedFrames: 0, lateResults: 0, reconnects: 0 };
  const events = createListenerSet<TransportEvent>();
  const connectionChanges = createListenerSet<ConnectionState>();
  const pending = new Map<number, PendingCall>();
  let state: ConnectionState = 'connecting';
  /** The socket being opened or open; only an open one takes frames. */
  let currentConnection: SocketConnection | null = null;
  let openConnection: SocketConnection | null = null;
  let failedAttempts = 0;
  let nextCallId = 1;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let closedForGood = false;

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    connectionChanges.emit(next);
  }

  function receive(data: unknown): void {
    const frame = parseServerFrame(data);
    if (!frame) {
      stats.badFrames += 1;
      return;
    }
    switch (frame.type) {
      case 'result': {
        const call = pending.get(frame.id);
        if (!call) {
          stats.lateResults += 1;
          return;
        }
        pending.delete(frame.id);
        call.resolve(frame.result);
        return;
      }
      case 'event':
        events.emit({ name: frame.name, payload: frame.payload });
        return;
      case 'refused':
        // Not tied to a call id; the calls it concerns end by their own timeout.
        stats.refusedFrames += 1;
        return;
      default: {
        const unreachable: never = frame;
        return unreachable;
      }
    }
  }

  function failAllPending(): void {
    for (const [id, call] of pending) {
      pending.delete(id);
      call.resolve(disconnectedResult(call.name));
    }
  }

  function connect(): void {
    reconnectTimer = null;
    setState('connecting');
    // Handlers of a socket we have given up on must not touch the current one.
    const attempt = { current: true };
    const connection: SocketConnection = options.openSocket(options.url, {
      onOpen() {
        if (!attempt.current) return;
        if (closedForGood) {
          connection.close();
          return;
        }
        failedAttempts = 0;
        openConnection = connection;
        setState('connected');
        for (const call of pending.values()) {
          if (!call.sent) {
            connection.send(call.frame);
            call.sent = true;
          }
        }
      },
      onMessage(data) {
        if (attempt.current) receive(data);
      },
      onClose() {
        if (!attempt.current) return;
        attempt.current = false;
        currentConnection = null;
        openConnection = null;
        failAllPending();
        setState('disconnected');
        if (!closedForGood) {
          reconnectTimer = setTimeout(() => {
            stats.reconnects += 1;
            connect();
          }, reconnectDelay(failedAttempts));
          failedAttempts += 1;
        }
      },
    });
    currentConnection = connection;
  }

  connect();

  return {
    stats,
    call(name: CallName, input: unknown, signal: AbortSignal): Promise<CallResult<unknown>> {
      // Between a drop and the next attempt there is no socket to wait for: answer at once.
      if (state === 'disconnected' || closedForGood) return Promise.resolve(disconnectedResult(name));
      const id = nextCallId++;
      const frame = encodeCallFrame(id, name, input);
      // The host closes the socket on a frame over its limit, and every call in flight would fail with it: a frame
      // that cannot fit is answered here, in words, and never sent.
      if (utf8ByteLength(frame) > maxCallFrameBytes) {
        return Promise.resolve({
          ok: false,
          error: { code: 'invalidInput', message: `${name}: the input is larger than the device accepts (${maxCallFrameBytes} bytes).` },
        });
      }
      return new Promise((resolve) => {
        const call: PendingCall = { name, frame, sent: false, resolve };
        pending.set(id, call);
        signal.addEventListener('abort', () => pending.delete(id), { once: true });
        if (openConnection) {
          openConnection.send(call.frame);
          call.sent = true;
        }
      });
    },
    onEvent: (listener) => events.add(listener),
    connectionState: () => state,
    onConnectionChange: (listener) => connectionChanges.add(listener),
    close() {
      closedForGood = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      currentConnection?.close();
    },
  };
}
