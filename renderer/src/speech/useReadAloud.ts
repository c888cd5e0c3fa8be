// Read-aloud for one piece of a screen (its heading and instructions, or a letter): whether it can be offered in this
// language, whether it is speaking now, and the two things a person can do — start and stop.
import { useCallback, useEffect, useId, useSyncExternalStore } from 'react';
import { theSpeaker, type Speaker } from './speaker';

export interface ReadAloud {
  /** A voice exists for the language: otherwise the button is not shown at all. */
  available: boolean;
  speaking: boolean;
  /** Starts reading (stopping any other reader), or stops when this one is already speaking. */
  toggle(): void;
  stop(): void;
}

/**
 * `text` is asked for only when the person presses the button, so a screen can read what it shows at that moment.
 * Leaving the screen (this reader unmounts) stops the voice: nothing of a person's screen goes on being read aloud
 * after they have moved on or been signed out.
 */
export function useReadAloud(languageTag: string, text: () => string, speaker: Speaker = theSpeaker()): ReadAloud {
  const reader = useId();
  const state = useSyncExternalStore(speaker.subscribe, speaker.snapshot);
  const available = state.voices.length > 0 && speaker.voiceFor(languageTag) !== null;
  const speaking = state.speakingReader === reader;

  // Unmounting, or the language changing while reading (the old words in the old voice), stops the voice.
  useEffect(() => () => speaker.stop(reader), [speaker, reader, languageTag]);

  const stop = useCallback(() => speaker.stop(reader), [speaker, reader]);
  const toggle = useCallback(() => {
    if (speaker.snapshot().speakingReader === reader) speaker.stop(reader);
    else speaker.speak(reader, text(), languageTag);
  }, [speaker, reader, text, languageTag]);
  return { available, speaking, toggle, stop };
}
