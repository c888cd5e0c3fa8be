// The WebSocket carrier against a fake socket: queueing, results, bad frames, drops and reconnects.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '../../../main/contract';
import type { ConnectionState } from '../../../renderer/src/api/transport';
import { createWebSocketTransport, type SocketHandlers } from '../../../renderer/src/api/websocketTransport';

interface FakeSocket {
  url: string;
  handlers: SocketHandlers;
  sent: string[];
  closed: boolean;
}

function fakeSockets() {
  const sockets: FakeSocket[] = [];
  const openSocket = (url: string, handlers: SocketHandlers) => {
    const socket: FakeSocket = { url, handlers, sent: [], closed: false };
    sockets.push(socket);
    return {
      send: (text: string) => socket.sent.push(text),
      close: () => {
        socket.closed = true;
        handlers.onClose();
      },
    };
  };
  const latest = (): FakeSocket => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  };
  return { sockets, openSocket, latest };
}

const sentIds = (socket: FakeSocket) => socket.sent.map((text) => (JSON.parse(text) as { id: number }).id);
const frame = (value: ServerFrame) => JSON.stringify(value);
const neverAborted = () => new AbortController().signal;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createWebSocketTransport', () => {
  it('holds calls made while connecting and sends them once the socket opens', async () => {
    const { openSocket, latest } = fakeSockets();
    const transport = createWebSocketTransport({ url: 'ws://host/bridge?token=t', openSocket });
    expect(transport.connectionState()).toBe('connecting');
    const answer = transport.call('session.current', {}, neverAborted());
    expect(latest().sent).toEqual([]);
    latest().handlers.onOpen();
    expect(transport.connectionState()).toBe('connected');
    expect(JSON.parse(latest().sent[0] ?? '')).toMatchObject({ type: 'call', name: 'session.current', input: {} });
    const [id] = sentIds(latest());
    latest().handlers.onMessage(frame({ type: 'result', id: id ?? -1, result: { ok: true, value: { phase: 'attract', notice: null, noticeLanguage: null } } }));
    await expect(answer).resolves.toEqual({ ok: true, value: { phase: 'attract', notice: null, noticeLanguage: null } });
  });

  it('forwards events and ignores and counts bad frames and refusals', () => {
    const { openSocket, latest } = fakeSockets();
    const transport = createWebSocketTransport({ url: 'ws://x', openSocket });
    const events: unknown[] = [];
    transport.onEvent((event) => events.push(event));
    latest().handlers.onOpen();
    latest().handlers.onMessage('not json');
    latest().handlers.onMessage(new ArrayBuffer(4));
    latest().handlers.onMessage(frame({ type: 'refused', error: { code: 'invalidInput', message: 'no' } }));
    latest().handlers.onMessage(frame({ type: 'event', name: 'device.readersChanged', payload: [] }));
    expect(events).toEqual([{ name: 'device.readersChanged', payload: [] }]);
    expect(transport.stats).toMatchObject({ badFrames: 2, refusedFrames: 1 });
  });

  it('answers pending calls with disconnected when the socket drops, then reconnects with backoff', async () => {
    const { sockets, openSocket, latest } = fakeSockets();
    const states: ConnectionState[] = [];
    const transport = createWebSocketTransport({ url: 'ws://x', openSocket });
    transport.onConnectionChange((state) => states.push(state));
    latest().handlers.onOpen();
    const pending = transport.call('session.enterPin', { pin: '1234' }, neverAborted());
    latest().handlers.onClose();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'disconnected' } });
    expect(transport.connectionState()).toBe('disconnected');

    // While no socket is being opened, a call is answered at once instead of waiting.
    await expect(transport.call('device.info', {}, neverAborted())).resolves.toMatchObject({ ok: false, error: { code: 'disconnected' } });

    await vi.advanceTimersByTimeAsync(249);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    // The second attempt fails too: the wait doubles.
    latest().handlers.onClose();
    await vi.advanceTimersByTimeAsync(499);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(3);
    latest().handlers.onOpen();
    expect(states).toEqual(['connected', 'disconnected', 'connecting', 'disconnected', 'connecting', 'connected']);
    expect(transport.stats.reconnects).toBe(2);
  });

  it('ignores anything a replaced socket still reports', () => {
    const { sockets, openSocket, latest } = fakeSockets();
    const transport = createWebSocketTransport({ url: 'ws://x', openSocket });
    const events: unknown[] = [];
    transport.onEvent((event) => events.push(event));
    const first = latest();
    first.handlers.onOpen();
    first.handlers.onClose();
    vi.advanceTimersByTime(250);
    expect(sockets).toHaveLength(2);
    first.handlers.onMessage(frame({ type: 'event', name: 'session.changed', payload: {} }));
    first.handlers.onClose();
    expect(events).toEqual([]);
    expect(transport.connectionState()).toBe('connecting');
  });

  it('forgets an aborted call, and counts its late result', async () => {
    const { openSocket, latest } = fakeSockets();
    const transport = createWebSocketTransport({ url: 'ws://x', openSocket });
    latest().handlers.onOpen();
    const abort = new AbortController();
    void transport.call('session.current', {}, abort.signal);
    abort.abort();
    const [id] = sentIds(latest());
    latest().handlers.onMessage(frame({ type: 'result', id: id ?? -1, result: { ok: true, value: null } }));
    expect(transport.stats.lateResults).toBe(1);
  });

  it('stops for good when closed', () => {
    const { sockets, openSocket, latest } = fakeSockets();
    const transport = createWebSocketTransport({ url: 'ws://x', openSocket });
    latest().handlers.onOpen();
    transport.close();
    expect(latest().closed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(transport.connectionState()).toBe('disconnected');
  });
});
