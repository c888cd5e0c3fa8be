// The sandboxed preload: exposes two named functions to the page and nothing else (docs/security.md §12 "The Electron checklist", item 20 —
// never ipcRenderer itself, never the IPC event object, whose `sender` would hand the page ipcRenderer).
// Bundled to CommonJS by scripts/build-electron.ts; it may import only electron and the contract (and types,
// which the bundle drops).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventNames, ipcChannels, preloadGlobalName, type CallResult } from '../contract';
import type { DeviceEventMessage } from './ipc';

/** What the page finds at `window[preloadGlobalName]`; the renderer's client builds the typed DeviceApi on it. */
export interface PreloadBridge {
  /** Resolves to the runtime's `{ ok, value } | { ok: false, error }`; never rejects for a refused call. */
  call(name: string, input: unknown): Promise<CallResult<unknown>>;
  /** Hands each runtime event to the listener as one `{ name, payload }`; returns a function that stops it. */
  onEvent(listener: (event: DeviceEventMessage) => void): () => void;
}

function isDeviceEventMessage(message: unknown): message is DeviceEventMessage {
  if (typeof message !== 'object' || message === null || !('name' in message)) return false;
  const { name } = message;
  return typeof name === 'string' && (eventNames as readonly string[]).includes(name);
}

const preloadBridge: PreloadBridge = {
  call: (name, input) => ipcRenderer.invoke(ipcChannels.call, name, input) as Promise<CallResult<unknown>>,
  onEvent: (listener) => {
    const forward = (_event: IpcRendererEvent, message: unknown): void => {
      // A fresh object, so nothing of the IPC message but its name and payload reaches the page.
      if (isDeviceEventMessage(message)) listener({ name: message.name, payload: message.payload });
    };
    ipcRenderer.on(ipcChannels.event, forward);
    return () => {
      ipcRenderer.removeListener(ipcChannels.event, forward);
    };
  },
};

contextBridge.exposeInMainWorld(preloadGlobalName, preloadBridge);

// No drag-and-drop of files: a file dropped on the window would otherwise be opened by Chromium. The
// will-navigate rule in main.ts refuses that navigation too; refusing the drop here means it never starts.
// Listeners in the preload's isolated world still see (and can cancel) the page's DOM events.
// (The Node-side tsconfig carries no DOM types; this is the one DOM call the preload makes.)
declare const window: {
  addEventListener(type: 'dragover' | 'drop', listener: (event: { preventDefault(): void }) => void, options: { capture: boolean }): void;
};
for (const dragEvent of ['dragover', 'drop'] as const) {
  window.addEventListener(dragEvent, (event) => event.preventDefault(), { capture: true });
}
