// Read-aloud picks a voice that speaks the person's language or offers nothing, and one speaker owns the page's voice.
import { describe, expect, it } from 'vitest';
import { Speaker, type SpeechPlatform } from '../../../renderer/src/speech/speaker';
import { chooseVoice, type VoiceLike } from '../../../renderer/src/speech/voiceChoice';

function voice(lang: string, name = `${lang} voice`, flags: Partial<Pick<VoiceLike, 'default' | 'localService'>> = {}): SpeechSynthesisVoice {
  return { lang, name, default: flags.default ?? false, localService: flags.localService ?? true, voiceURI: name } as SpeechSynthesisVoice;
}

/** What espeak-ng offers through speech-dispatcher, spelled as Chromium reports it (a few of its hundreds). */
const espeakVoices = [
  voice('en-US'),
  voice('en-GB'),
  voice('es'),
  voice('es-419'),
  voice('ht'),
  voice('vi'),
  voice('cmn'),
  voice('yue'),
  voice('ar'),
  voice('fr-FR'),
];

/** A machine whose voices speak French and English but not Haitian Creole. */
const withoutKreyol = espeakVoices.filter((candidate) => candidate.lang !== 'ht');

describe('choosing a voice for a language', () => {
  it('finds a voice for each language espeak-ng speaks, by the best-matching language first', () => {
    expect(chooseVoice(espeakVoices, 'en')?.lang).toBe('en-US');
    expect(chooseVoice(espeakVoices, 'es')?.lang).toBe('es-419');
    expect(chooseVoice(espeakVoices, 'vi')?.lang).toBe('vi');
    expect(chooseVoice(espeakVoices, 'zh-Hans')?.lang).toBe('cmn');
    expect(chooseVoice(espeakVoices, 'ar')?.lang).toBe('ar');
  });

  it('offers no voice where none speaks the language: never a French or English stand-in for Haitian Creole', () => {
    expect(chooseVoice(espeakVoices, 'ht')?.lang).toBe('ht');
    expect(chooseVoice(withoutKreyol, 'ht')).toBeNull();
    expect(chooseVoice([], 'en')).toBeNull();
  });

  it('reads Simplified Chinese in Mandarin as browsers spell it, never in Cantonese or a Traditional voice', () => {
    expect(chooseVoice([voice('zh-HK'), voice('zh-TW'), voice('yue'), voice('zh_CN')], 'zh-Hans')?.lang).toBe('zh_CN');
    expect(chooseVoice([voice('zh-HK'), voice('zh-TW'), voice('yue')], 'zh-Hans')).toBeNull();
  });

  it('matches whole subtags in any spelling: vi_VN and AR-EG match, "est" is not Spanish', () => {
    expect(chooseVoice([voice('vi_VN')], 'vi')?.lang).toBe('vi_VN');
    expect(chooseVoice([voice('AR-EG')], 'ar')?.lang).toBe('AR-EG');
    expect(chooseVoice([voice('est')], 'es')).toBeNull();
  });

  it('prefers the platform default, then a voice on the device, among voices of one language', () => {
    const network = voice('vi', 'network', { localService: false });
    const local = voice('vi-VN', 'local');
    const preferred = voice('vi', 'default', { default: true, localService: false });
    expect(chooseVoice([network, local], 'vi')?.name).toBe('local');
    expect(chooseVoice([network, local, preferred], 'vi')?.name).toBe('default');
  });

  it('matches a language no table names by its primary subtag', () => {
    expect(chooseVoice([voice('fr-CA')], 'fr')?.lang).toBe('fr-CA');
  });
});

/** A stand-in for the Web Speech API: voices that can arrive late, and utterances that end when the test says. */
class FakeUtterance extends EventTarget {
  voice: SpeechSynthesisVoice | null = null;
  lang = '';
  rate = 1;
  constructor(readonly text: string) {
    super();
  }
}

function fakePlatform(initialVoices: SpeechSynthesisVoice[]) {
  const events = new EventTarget();
  let voices = initialVoices;
  const spoken: FakeUtterance[] = [];
  let cancels = 0;
  const platform: SpeechPlatform = {
    synthesis: {
      getVoices: () => voices,
      speak: (utterance) => void spoken.push(utterance as unknown as FakeUtterance),
      cancel: () => {
        cancels += 1;
        // As the platform does: what was speaking ends with an error ("interrupted").
        const last = spoken.at(-1);
        last?.dispatchEvent(new Event('error'));
      },
      addEventListener: events.addEventListener.bind(events) as SpeechSynthesis['addEventListener'],
      removeEventListener: events.removeEventListener.bind(events) as SpeechSynthesis['removeEventListener'],
    },
    makeUtterance: (text, voice) => Object.assign(new FakeUtterance(text), { voice, lang: voice.lang }) as unknown as SpeechSynthesisUtterance,
  };
  return {
    platform,
    spoken,
    cancels: () => cancels,
    voicesArrive(next: SpeechSynthesisVoice[]) {
      voices = next;
      events.dispatchEvent(new Event('voiceschanged'));
    },
  };
}

describe('the page speaker', () => {
  it('has nothing to offer until the voices arrive, then offers the languages they speak', () => {
    const fake = fakePlatform([]);
    const speaker = new Speaker(fake.platform);
    let notified = 0;
    speaker.subscribe(() => (notified += 1));
    expect(speaker.voiceFor('vi')).toBeNull();
    expect(speaker.speak('heading', 'Xin chào', 'vi')).toBe(false);
    fake.voicesArrive(espeakVoices);
    expect(notified).toBe(1);
    expect(speaker.voiceFor('vi')?.lang).toBe('vi');
    expect(speaker.voiceFor('ht')?.lang).toBe('ht');
  });

  it('speaks in the chosen voice, shows which reader speaks, and goes quiet when the words end', () => {
    const fake = fakePlatform(espeakVoices);
    const speaker = new Speaker(fake.platform);
    expect(speaker.speak('letter', 'مرحبا', 'ar')).toBe(true);
    expect(speaker.snapshot().speakingReader).toBe('letter');
    const utterance = fake.spoken[0]!;
    expect(utterance.text).toBe('مرحبا');
    expect(utterance.voice?.lang).toBe('ar');
    expect(utterance.lang).toBe('ar');
    utterance.dispatchEvent(new Event('end'));
    expect(speaker.snapshot().speakingReader).toBeNull();
  });

  it('one voice at a time: a second reader stops the first, and the first ending late changes nothing', () => {
    const fake = fakePlatform(espeakVoices);
    const speaker = new Speaker(fake.platform);
    speaker.speak('heading', 'Mail', 'en');
    speaker.speak('letter', 'See you Sunday', 'en');
    expect(fake.cancels()).toBe(2);
    expect(speaker.snapshot().speakingReader).toBe('letter');
    fake.spoken[0]!.dispatchEvent(new Event('end'));
    expect(speaker.snapshot().speakingReader).toBe('letter');
  });

  it('stop for a reader that is not speaking leaves the voice alone; stop for the speaking one silences it', () => {
    const fake = fakePlatform(espeakVoices);
    const speaker = new Speaker(fake.platform);
    speaker.speak('letter', 'See you Sunday', 'en');
    const cancelsBefore = fake.cancels();
    speaker.stop('heading');
    expect(fake.cancels()).toBe(cancelsBefore);
    expect(speaker.snapshot().speakingReader).toBe('letter');
    speaker.stop('letter');
    expect(fake.cancels()).toBe(cancelsBefore + 1);
    expect(speaker.snapshot().speakingReader).toBeNull();
  });

  it('says nothing and offers nothing where the platform has no speech at all, or the text is empty', () => {
    const none = new Speaker(null);
    expect(none.voiceFor('en')).toBeNull();
    expect(none.speak('letter', 'Hello', 'en')).toBe(false);
    none.stop();
    const fake = fakePlatform(espeakVoices);
    expect(new Speaker(fake.platform).speak('letter', '   ', 'en')).toBe(false);
    expect(fake.spoken).toHaveLength(0);
  });
});
