// A video's caption tracks as the device keeps them: the record's JSON in message_attachments.captions (migration
// 0018). Read back through the same schema the pull checked, so a value changed on disk is dropped, never served.
import { z } from 'zod';
import { CaptionTrack } from '../../hub/protocol';

const StoredCaptionTracks = z.array(CaptionTrack);

/** The tracks in a stored JSON value; none when it no longer parses. */
export function storedCaptionTracks(json: string): CaptionTrack[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return [];
  }
  const parsed = StoredCaptionTracks.safeParse(value);
  return parsed.success ? parsed.data : [];
}
