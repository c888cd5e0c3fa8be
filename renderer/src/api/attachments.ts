// Where an <img> or <video> loads an attachment: the contract's attachment route, relative to the page, so it is
// app://dayroom/attachments/… under Electron and the web host's route in a browser. The web host wants its per-launch
// token on every request, and a media element cannot send headers, so the page's own token goes along in the query.
import { attachmentRoute, hostTokenParam } from '../../../main/contract';

export function attachmentUrl(messageId: string, attachmentId: string): string {
  const token = new URLSearchParams(window.location.search).get(hostTokenParam);
  const path = attachmentRoute.path(messageId, attachmentId);
  return token === null ? path : `${path}?${hostTokenParam}=${encodeURIComponent(token)}`;
}

/** A video's caption track in one language, for a <track>; the same token rule as the video itself. */
export function captionsUrl(messageId: string, attachmentId: string, language: string): string {
  const token = new URLSearchParams(window.location.search).get(hostTokenParam);
  const path = attachmentRoute.captionsPath(messageId, attachmentId, language);
  return token === null ? path : `${path}?${hostTokenParam}=${encodeURIComponent(token)}`;
}
