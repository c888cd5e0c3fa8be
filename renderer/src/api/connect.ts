// Picks the carrier for this page: the Electron preload when it is there, else the web host's WebSocket.
// The only module of the api folder that touches `window` and the browser's WebSocket.
import { hostSocketUrl } from './frames';
import { createPreloadTransport, findPreloadBridge } from './preloadTransport';
import type { DeviceTransport } from './transport';
import { createWebSocketTransport, type OpenSocket } from './websocketTransport';

const openBrowserSocket: OpenSocket = (url, handlers) => {
  const socket = new WebSocket(url);
  socket.addEventListener('open', () => handlers.onOpen());
  socket.addEventListener('message', (event: MessageEvent<unknown>) => handlers.onMessage(event.data));
  // A failed socket fires 'error' and then 'close'; reconnecting starts from 'close' alone.
  socket.addEventListener('close', () => handlers.onClose());
  return { send: (text) => socket.send(text), close: () => socket.close() };
};

export function preloadTransport(): DeviceTransport | null {
  const bridge = findPreloadBridge(window);
  return bridge ? createPreloadTransport(bridge) : null;
}

export function websocketTransport(url: string): DeviceTransport {
  return createWebSocketTransport({ url, openSocket: openBrowserSocket });
}

export function connectToDevice(): DeviceTransport {
  return preloadTransport() ?? websocketTransport(hostSocketUrl(window.location));
}
