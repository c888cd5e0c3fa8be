// The one voice of the page. Speech synthesis is one queue for the whole page, so which button is speaking is kept
// here, once: starting one reader stops any other, and a button shows "speaking" only while its own words are read.
// Screens read it through `useReadAloud`; this module holds no React, so it is tested with a fake platform.
import { chooseVoice } from './voiceChoice';

/** The parts of the Web Speech API the speaker uses (`window.speechSynthesis` has them). */
export interface SpeechPlatform {
  readonly synthesis: Pick<SpeechSynthesis, 'getVoices' | 'speak' | 'cancel' | 'addEventListener' | 'removeEventListener'>;
  /** An utterance of `text` to be read by `voice` in the voice's language. */
  makeUtterance(text: string, voice: SpeechSynthesisVoice): SpeechSynthesisUtterance;
}

export interface SpeakerState {
  /** The voices the platform has offered so far; they arrive late (`voiceschanged`), often after the first render. */
  readonly voices: readonly SpeechSynthesisVoice[];
  /** Which reader (a button's id) is speaking, or null when the page is silent. */
  readonly speakingReader: string | null;
}

export class Speaker {
  private state: SpeakerState;
  private readonly listeners = new Set<() => void>();
  /** Kept so the utterance is not collected while it speaks: Chromium then never sends its `end`. */
  private current: SpeechSynthesisUtterance | null = null;

  constructor(private readonly platform: SpeechPlatform | null) {
    this.state = { voices: platform?.synthesis.getVoices() ?? [], speakingReader: null };
    platform?.synthesis.addEventListener('voiceschanged', this.voicesChanged);
  }

  readonly snapshot = (): SpeakerState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The voice that would read `languageTag`, or null: then nothing offers to read in that language. */
  voiceFor(languageTag: string): SpeechSynthesisVoice | null {
    return this.platform === null ? null : chooseVoice(this.state.voices, languageTag);
  }

  /** Reads `text` in `languageTag` for `reader`, stopping whatever was being read. False when no voice can. */
  speak(reader: string, text: string, languageTag: string): boolean {
    const voice = this.voiceFor(languageTag);
    if (this.platform === null || voice === null || text.trim() === '') return false;
    this.platform.synthesis.cancel();
    const utterance = this.platform.makeUtterance(text, voice);
    // A little slower than the platform's default: the people this is for read (and listen) in a second language.
    utterance.rate = 0.9;
    const finished = (): void => {
      if (this.current !== utterance) return;
      this.current = null;
      this.update({ speakingReader: null });
    };
    utterance.addEventListener('end', finished);
    utterance.addEventListener('error', finished);
    this.current = utterance;
    this.update({ speakingReader: reader });
    this.platform.synthesis.speak(utterance);
    return true;
  }

  /** Stops the voice — only if `reader` is the one speaking, when given (a button leaving must not stop another's). */
  stop(reader?: string): void {
    if (reader !== undefined && this.state.speakingReader !== reader) return;
    this.current = null;
    this.platform?.synthesis.cancel();
    if (this.state.speakingReader !== null) this.update({ speakingReader: null });
  }

  private readonly voicesChanged = (): void => {
    this.update({ voices: this.platform?.synthesis.getVoices() ?? [] });
  };

  private update(change: Partial<SpeakerState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
  }
}

/** Speech synthesis as the page offers it, or null where it has none (the attribute or the constructor missing). */
export function pageSpeechPlatform(): SpeechPlatform | null {
  if (typeof window === 'undefined') return null;
  const page = window as Partial<Pick<Window, 'speechSynthesis'>> & { SpeechSynthesisUtterance?: typeof SpeechSynthesisUtterance };
  const synthesis = page.speechSynthesis;
  const Utterance = page.SpeechSynthesisUtterance;
  if (synthesis === undefined || typeof synthesis.speak !== 'function' || typeof Utterance !== 'function') return null;
  return {
    synthesis,
    makeUtterance: (text, voice) => {
      const utterance = new Utterance(text);
      // The voice's own spelling of its language: the engine knows that one.
      utterance.lang = voice.lang;
      // Only a voice the platform made can be given to its utterance (the setter refuses anything else); a stand-in's
      // voice is named by its language alone.
      if (typeof SpeechSynthesisVoice === 'function' && voice instanceof SpeechSynthesisVoice) utterance.voice = voice;
      return utterance;
    },
  };
}

let pageSpeaker: Speaker | null = null;

/** The page's one speaker, made when first asked for (after the page's scripts, so a test's stand-in is in place). */
export function theSpeaker(): Speaker {
  pageSpeaker ??= new Speaker(pageSpeechPlatform());
  return pageSpeaker;
}
