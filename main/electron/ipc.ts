// Carries the contract over Electron IPC: one invoke channel for calls, one send channel for events
// (names from main/contract). Thin on purpose — parsing, authorization and error shaping happen in the
// runtime's bridge; this module only refuses senders that are not our own page (docs/security.md §12 "The Electron checklist", item 17).
//
// It names the few members of Electron's objects it uses instead of importing Electron's types, so the
// real ipcMain and WebContents fit and the tests can pass plain objects.
import type { DeviceBridge } from '../bridge/dispatch';
import { ipcChannels, type CallResult, type EventName } from '../contract';
import { isAllowedAppUrl, isTrustedSender } from './policy';

/** The sending frame of an `ipcMain.handle` event; null once the frame has navigated away or gone. */
export interface IpcSenderFrame {
  readonly url: string;
  /** Null for a top-level frame. */
  readonly parent: object | null;
}

export interface IpcInvokeEvent {
  readonly senderFrame: IpcSenderFrame | null;
}

export interface IpcCallRegistry {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** A page that may hear runtime events (the kiosk window's WebContents). */
export interface EventRecipient {
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
}

/** What travels on ipcChannels.event, and what the preload hands the page's listener. */
export interface DeviceEventMessage {
  readonly name: EventName;
  readonly payload: unknown;
}

export interface DeviceIpcOptions {
  readonly ipcMain: IpcCallRegistry;
  readonly bridge: DeviceBridge;
  /** Read at each event, so a recreated window is reached without rewiring. */
  readonly eventRecipients: () => readonly EventRecipient[];
  /** Told of each refused sender, for the log; the URL says what the page was, never what it sent. */
  readonly onRefusedSender: (frameUrl: string | null) => void;
}

const refusedSenderResult: CallResult<never> = {
  ok: false,
  error: { code: 'notAuthorized', message: 'Calls are accepted only from the Dayroom page itself.' },
};

/** Registers the call handler and starts forwarding events; returns a function that undoes both. */
export function wireDeviceIpc(options: DeviceIpcOptions): () => void {
  const { ipcMain, bridge } = options;

  ipcMain.handle(ipcChannels.call, async (event, name, input) => {
    const frame = event.senderFrame;
    if (frame === null || !isTrustedSender(frame.url, frame.parent === null)) {
      options.onRefusedSender(frame?.url ?? null);
      return refusedSenderResult;
    }
    // The bridge refuses a name that is not a call; String() only keeps its type honest.
    // bridge.call never rejects; the shell checks anyway, so the page always gets an answer it can show in words.
    return bridge
      .call(typeof name === 'string' ? name : String(name), input)
      .catch((): CallResult<unknown> => ({ ok: false, error: { code: 'internal', message: 'The call failed inside the device.' } }));
  });

  const stopForwarding = bridge.onEvent((name, payload) => {
    const message: DeviceEventMessage = { name, payload };
    for (const recipient of options.eventRecipients()) {
      // Events carry a resident's name and state: they go only to a live page that is still ours.
      if (!recipient.isDestroyed() && isAllowedAppUrl(recipient.getURL())) recipient.send(ipcChannels.event, message);
    }
  });

  return () => {
    stopForwarding();
    ipcMain.removeHandler(ipcChannels.call);
  };
}
