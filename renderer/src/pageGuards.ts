// What the page itself refuses, in both shells: the browser's context menu (in Chromium's app mode under the web host
// it offers Back, Reload and Inspect) and a file dropped on the window (Chromium navigates to a dropped file). The
// Electron shell refuses both as well (no context menu; will-navigate denies file: URLs, policy.ts); this is the layer
// the web host has, and a second one for Electron.
export function installPageGuards(target: Window): () => void {
  const refuse = (event: Event): void => event.preventDefault();
  // dragover must be refused too: a drop only fires where dragover was cancelled, and Chromium's own handling of a
  // file drop happens when neither is.
  const events = ['contextmenu', 'dragover', 'drop'] as const;
  for (const name of events) target.addEventListener(name, refuse, { capture: true });
  return () => {
    for (const name of events) target.removeEventListener(name, refuse, { capture: true });
  };
}
