// The console's pages are paths under /console (a reload or a bookmark keeps the page); moving between them is
// history.pushState, so the back button works as staff expect.
import { useSyncExternalStore } from 'react';

export const consoleBase = '/console';
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** The page's path within the console ("/review"), and its query. */
export function currentLocation(): string {
  const path = window.location.pathname.startsWith(consoleBase) ? window.location.pathname.slice(consoleBase.length) : window.location.pathname;
  return `${path === '' ? '/' : path}${window.location.search}`;
}

export function useLocation(): { path: string; search: URLSearchParams } {
  const location = useSyncExternalStore(subscribe, currentLocation);
  const [path = '/', search = ''] = location.split('?');
  return { path, search: new URLSearchParams(search) };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = `${consoleBase}${to === '/' ? '/' : to}`;
  if (options.replace === true) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  for (const listener of listeners) listener();
}
