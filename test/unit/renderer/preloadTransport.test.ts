// The Electron carrier: what the preload exposes is still checked before the client sees it.
import { describe, expect, it, vi } from 'vitest';
import { preloadGlobalName } from '../../../main/contract';
import { createPreloadTransport, findPreloadBridge, type PreloadBridge } from '../../../renderer/src/api/preloadTransport';
import type { TransportEvent } from '../../../renderer/src/api/transport';

const signal = new AbortController().signal;

describe('findPreloadBridge', () => {
  it('finds nothing in a plain browser page or on a malformed global', () => {
    expect(findPreloadBridge({})).toBeNull();
    expect(findPreloadBridge({ [preloadGlobalName]: { call: 'nope' } })).toBeNull();
  });

  it('finds the bridge and calls it as a method', async () => {
    const bridge = {
      reply: { ok: true, value: { done: true } },
      call(name: string, input: unknown) {
        return Promise.resolve({ ...this.reply, echoed: [name, input] });
      },
      onEvent: () => () => undefined,
    };
    const found = findPreloadBridge({ [preloadGlobalName]: bridge });
    await expect(found?.call('session.activity', {})).resolves.toMatchObject({ ok: true, echoed: ['session.activity', {}] });
  });
});

describe('createPreloadTransport', () => {
  it('passes a well-shaped result through and turns a malformed one into internal', async () => {
    const replies: unknown[] = [{ ok: true, value: 1 }, { ok: 'yes' }];
    const bridge: PreloadBridge = { call: async () => replies.shift(), onEvent: () => () => undefined };
    const transport = createPreloadTransport(bridge);
    await expect(transport.call('device.info', {}, signal)).resolves.toEqual({ ok: true, value: 1 });
    await expect(transport.call('device.info', {}, signal)).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(transport.connectionState()).toBe('connected');
  });

  it('passes on events that have a name and drops those that do not', () => {
    let deliver: (event: TransportEvent) => void = () => undefined;
    const bridge: PreloadBridge = {
      call: async () => undefined,
      onEvent: (listener) => {
        deliver = listener;
        return () => undefined;
      },
    };
    const seen = vi.fn();
    createPreloadTransport(bridge).onEvent(seen);
    deliver({ name: 'session.changed', payload: 1 });
    (deliver as (event: unknown) => void)(null);
    (deliver as (event: unknown) => void)({ payload: 2 });
    expect(seen.mock.calls).toEqual([[{ name: 'session.changed', payload: 1 }]]);
  });
});
