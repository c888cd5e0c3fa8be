// The IPC wiring refuses calls from any frame but our page's top frame, passes the rest to the bridge
// untouched, and sends runtime events only to a live page that is still ours.
import { describe, expect, it, vi } from 'vitest';
import type { DeviceBridge } from '../../../main/bridge/dispatch';
import { ipcChannels, type CallResult, type EventName, type EventPayload } from '../../../main/contract';
import { wireDeviceIpc, type EventRecipient, type IpcCallRegistry, type IpcInvokeEvent } from '../../../main/electron/ipc';

type InvokeListener = (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>;
type BridgeEventListener = <N extends EventName>(name: N, payload: EventPayload<N>) => void;

function fakeIpcMain() {
  const handlers = new Map<string, InvokeListener>();
  const ipcMain: IpcCallRegistry = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const invoke = (event: IpcInvokeEvent, ...args: unknown[]) => {
    const handler = handlers.get(ipcChannels.call);
    if (!handler) throw new Error('no handler registered');
    return handler(event, ...args);
  };
  return { ipcMain, handlers, invoke };
}

function fakeBridge() {
  const listeners = new Set<BridgeEventListener>();
  const call = vi.fn(async (name: string, _input: unknown): Promise<CallResult<unknown>> => ({ ok: true, value: { called: name } }));
  const bridge: DeviceBridge = {
    call,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const emit: BridgeEventListener = (name, payload) => listeners.forEach((listener) => listener(name, payload));
  return { bridge, call, listeners, emit };
}

function fakeRecipient(url: string, destroyed = false) {
  const sent: unknown[][] = [];
  const recipient: EventRecipient = { isDestroyed: () => destroyed, getURL: () => url, send: (...args) => void sent.push(args) };
  return { recipient, sent };
}

const topFrame = (url: string): IpcInvokeEvent => ({ senderFrame: { url, parent: null } });

function wire(recipients: EventRecipient[] = []) {
  const ipc = fakeIpcMain();
  const device = fakeBridge();
  const onRefusedSender = vi.fn();
  const unwire = wireDeviceIpc({ ipcMain: ipc.ipcMain, bridge: device.bridge, eventRecipients: () => recipients, onRefusedSender });
  return { ...ipc, ...device, onRefusedSender, unwire };
}

describe('wireDeviceIpc', () => {
  it('passes a call from our page to the bridge as it came', async () => {
    const { invoke, call } = wire();
    await expect(invoke(topFrame('app://dayroom/'), 'session.current', { any: 'input' })).resolves.toEqual({ ok: true, value: { called: 'session.current' } });
    expect(call).toHaveBeenCalledWith('session.current', { any: 'input' });
  });

  it.each<[string, IpcInvokeEvent]>([
    ['a frame that is gone', { senderFrame: null }],
    ['an iframe of our page', { senderFrame: { url: 'app://dayroom/', parent: {} } }],
    ['another site', topFrame('https://example.org/')],
    ['a look-alike host', topFrame('app://dayroom.evil/')],
    ['a local file', topFrame('file:///tmp/evil.html')],
  ])('refuses a call from %s without reaching the bridge', async (_sender, event) => {
    const { invoke, call, onRefusedSender } = wire();
    const result = (await invoke(event, 'session.signOut', {})) as CallResult<unknown>;
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.error.code).toBe('notAuthorized');
    expect(call).not.toHaveBeenCalled();
    expect(onRefusedSender).toHaveBeenCalledWith(event.senderFrame?.url ?? null);
  });

  it('hands a non-string call name to the bridge as a string, for it to refuse', async () => {
    const { invoke, call } = wire();
    await invoke(topFrame('app://dayroom/'), 42, {});
    expect(call).toHaveBeenCalledWith('42', {});
  });

  it('sends events only to live recipients that show our page', () => {
    const ours = fakeRecipient('app://dayroom/');
    const elsewhere = fakeRecipient('https://example.org/');
    const destroyed = fakeRecipient('app://dayroom/', true);
    const { emit } = wire([ours.recipient, elsewhere.recipient, destroyed.recipient]);
    emit('session.changed', { phase: 'attract', notice: null, noticeLanguage: null });
    expect(ours.sent).toEqual([[ipcChannels.event, { name: 'session.changed', payload: { phase: 'attract', notice: null, noticeLanguage: null } }]]);
    expect(elsewhere.sent).toEqual([]);
    expect(destroyed.sent).toEqual([]);
  });

  it('undoes everything it wired', () => {
    const { unwire, handlers, listeners } = wire();
    expect(handlers.has(ipcChannels.call)).toBe(true);
    expect(listeners.size).toBe(1);
    unwire();
    expect(handlers.size).toBe(0);
    expect(listeners.size).toBe(0);
  });
});
