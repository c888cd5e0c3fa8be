// Captions on videos (docs/screens.md §17): whether the signed-in person asked for them, kept with their row on this
// device by the runtime (display.captions), so the choice outlasts the page reload at sign-out; and the toggle for it in
// the Display chooser. A video's player reads the choice from context, wherever in the screens it is.
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceClient } from '../api/client';

/** Whether the person on the screen asked for captions; false for nobody (a player then offers them, not shows them). */
export const CaptionsWantedContext = createContext(false);

export function useCaptionsWanted(): boolean {
  return useContext(CaptionsWantedContext);
}

export interface CaptionsChoice {
  readonly wanted: boolean;
  /** Turns captions on or off for the person; the runtime keeps it before the screen shows it. */
  toggle(): void;
}

/**
 * The signed-in person's choice, read from the runtime at sign-in; null while nobody is signed in (there is no one to
 * keep it for, so the Display chooser does not offer it).
 */
export function useCaptionsChoice(api: DeviceClient, signedInAs: string | null, run: (action: () => Promise<void>) => Promise<void>): CaptionsChoice | null {
  const [wanted, setWanted] = useState<{ residentId: string; wanted: boolean } | null>(null);
  useEffect(() => {
    if (signedInAs === null) return;
    let current = true;
    void run(async () => {
      const choice = await api.call('display.captions', {});
      if (current) setWanted({ residentId: signedInAs, wanted: choice.wanted });
    });
    return () => {
      current = false;
    };
  }, [api, run, signedInAs]);
  const known = wanted !== null && wanted.residentId === signedInAs ? wanted.wanted : false;
  const toggle = useCallback(() => {
    if (signedInAs === null) return;
    void run(async () => {
      const choice = await api.call('display.setCaptions', { wanted: !known });
      setWanted({ residentId: signedInAs, wanted: choice.wanted });
    });
  }, [api, run, signedInAs, known]);
  return signedInAs === null ? null : { wanted: known, toggle };
}

/** The Captions button in the Display chooser: pressed while on, named in plain words. */
export function CaptionsToggle({ choice }: { choice: CaptionsChoice }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className="toggle-button"
      aria-pressed={choice.wanted}
      aria-label={t('display.captionsLabel')}
      title={t('display.captionsLabel')}
      onClick={choice.toggle}
      data-testid="captions-toggle"
    >
      {t('display.captions')}
    </button>
  );
}
