// DeviceRuntime.attachment: the bytes of an attachment of the signed-in person's own mail, checked
// (main/mail/attachment-content.ts), for the web host's route and the Electron app protocol alike.
import type { Logger } from '../logging';
import { readAttachmentContent, readCaptionTrack, type AttachmentContent } from '../mail/attachment-content';
import { signedInResidentId } from '../session/kiosk-session';
import type { MailQueries } from '../store/mail';
import type { BlobStore } from '../sync/blobs';
import type { SessionHandle } from './session-actor';

/** captionsLanguage: the video's caption track in that language instead of the video itself. */
export type AttachmentReader = (messageId: string, attachmentId: string, captionsLanguage?: string | null) => AttachmentContent;

export function attachmentReader(
  session: Pick<SessionHandle, 'getSnapshot'>,
  attachmentLookup: MailQueries,
  blobFiles: Pick<BlobStore, 'pathOf'>,
  logger: Logger,
): AttachmentReader {
  return (messageId, attachmentId, captionsLanguage = null) => {
    const residentId = signedInResidentId(session.getSnapshot());
    if (!residentId) return { ok: false, refusal: 'notSignedIn', problem: 'nobody is signed in' };
    const deps = { queries: attachmentLookup, pathOf: blobFiles.pathOf };
    const content =
      captionsLanguage === null
        ? readAttachmentContent(deps, residentId, messageId, attachmentId)
        : readCaptionTrack(deps, residentId, messageId, attachmentId, captionsLanguage);
    // Never the person or the content: which attachment, and what was wrong with its file.
    if (!content.ok && content.refusal === 'damaged') logger.warn({ messageId, attachmentId, problem: content.problem }, 'attachment refused');
    return content;
  };
}
