// The typed client over a fake transport: results and events are checked against the contract.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallName, CallResult, SessionView } from '../../../main/contract';
import { createDeviceApi, DeviceApiError } from '../../../renderer/src/api/client';
import { createListenerSet, type ConnectionState, type DeviceTransport, type TransportEvent } from '../../../renderer/src/api/transport';

interface SentCall {
  name: CallName;
  input: unknown;
  signal: AbortSignal;
}

/** An in-memory transport: answers with whatever the test queued, or never. */
function fakeTransport(answer: (call: SentCall) => Promise<CallResult<unknown>>) {
  const events = createListenerSet<TransportEvent>();
  const sent: SentCall[] = [];
  const transport: DeviceTransport = {
    call(name, input, signal) {
      const call = { name, input, signal };
      sent.push(call);
      return answer(call);
    },
    onEvent: (listener) => events.add(listener),
    connectionState: (): ConnectionState => 'connected',
    onConnectionChange: () => () => undefined,
  };
  return { transport, sent, emit: (name: string, payload: unknown) => events.emit({ name, payload }) };
}

const attract: SessionView = { phase: 'attract', notice: null, noticeLanguage: null };

afterEach(() => {
  vi.useRealTimers();
});

describe('createDeviceApi', () => {
  it('resolves with the value of a good result', async () => {
    const { transport, sent } = fakeTransport(async () => ({ ok: true, value: attract }));
    const api = createDeviceApi(transport);
    await expect(api.call('session.current', {})).resolves.toEqual(attract);
    expect(sent.map((call) => [call.name, call.input])).toEqual([['session.current', {}]]);
  });

  it('rejects with a DeviceApiError carrying the code and message of an { ok: false }', async () => {
    const { transport } = fakeTransport(async () => ({ ok: false, error: { code: 'wrongPhase', message: 'No card was read.' } }));
    const api = createDeviceApi(transport);
    const failure = await api.call('session.enterPin', { pin: '1234' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeviceApiError);
    expect(failure).toMatchObject({ code: 'wrongPhase', message: 'No card was read.' });
  });

  it('rejects a value that does not match the output schema, and counts it', async () => {
    const { transport } = fakeTransport(async () => ({ ok: true, value: { phase: 'signedIn', resident: { id: 'r1' } } }));
    const api = createDeviceApi(transport);
    await expect(api.call('session.current', {})).rejects.toMatchObject({ name: 'DeviceApiError', code: 'internal' });
    expect(api.counters.malformedResults).toBe(1);
  });

  it('rejects with code disconnected when the transport itself fails', async () => {
    const { transport } = fakeTransport(async () => {
      throw new Error('IPC closed');
    });
    const api = createDeviceApi(transport);
    await expect(api.call('device.info', {})).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('delivers a well-formed event to its listeners until they unsubscribe', () => {
    const { transport, emit } = fakeTransport(() => new Promise(() => undefined));
    const api = createDeviceApi(transport);
    const seen: SessionView[] = [];
    const unsubscribe = api.on('session.changed', (view) => seen.push(view));
    emit('session.changed', attract);
    unsubscribe();
    emit('session.changed', attract);
    expect(seen).toEqual([attract]);
  });

  it('ignores and counts a malformed event payload and an unknown event name', () => {
    const { transport, emit } = fakeTransport(() => new Promise(() => undefined));
    const api = createDeviceApi(transport);
    const listener = vi.fn();
    api.on('session.changed', listener);
    emit('session.changed', { phase: 'pinEntry', pinLength: 2 });
    emit('session.changed', '<script>');
    emit('device.readersChanged', [{ readerId: 'r' }]);
    emit('session.hijacked', attract);
    expect(listener).not.toHaveBeenCalled();
    expect(api.counters).toMatchObject({ malformedEvents: 3, unknownEvents: 1 });
  });

  it('gives up after 10 seconds with code timeout, and aborts the call in the transport', async () => {
    vi.useFakeTimers();
    const { transport, sent } = fakeTransport(() => new Promise(() => undefined));
    const api = createDeviceApi(transport);
    const outcome = api.call('session.current', {}).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(sent[0]?.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const failure = await outcome;
    expect(failure).toBeInstanceOf(DeviceApiError);
    expect(failure).toMatchObject({ code: 'timeout' });
    expect(sent[0]?.signal.aborted).toBe(true);
  });

  it('does not time out a call that was answered in time', async () => {
    vi.useFakeTimers();
    const { transport } = fakeTransport(() => new Promise((resolve) => setTimeout(() => resolve({ ok: true, value: { done: true } }), 9_000)));
    const api = createDeviceApi(transport);
    const outcome = api.call('session.activity', {});
    await vi.advanceTimersByTimeAsync(9_000);
    await expect(outcome).resolves.toEqual({ done: true });
    expect(vi.getTimerCount()).toBe(0);
  });
});
