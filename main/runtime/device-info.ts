// DeviceInfo, the page's view of this device: its names, languages, the keyboard-mode reader's settings where the
// page detects, and a tablet's standing.
import type { KeyboardWedgeReader } from '../../hardware/drivers/keyboard-wedge';
import type { KioskConfig } from '../../kiosk-config/schema';
import type { DeviceInfo, LanguageCode } from '../contract';
import type { DeviceState } from './device-state';
import type { SiteLanguageSource } from './site-languages';
import { appVersion } from './options';
import type { SessionHandle } from './session-actor';
import type { TabletStanding } from './tablet-standing';

export interface DeviceInfoSource {
  info(): DeviceInfo;
  /** The signed-in person's language, else the attract screen's. */
  currentLanguage(): LanguageCode;
}

export interface DeviceInfoDeps {
  readonly config: KioskConfig;
  readonly session: Pick<SessionHandle, 'getSnapshot'>;
  readonly state: Pick<DeviceState, 'attractLanguage'>;
  readonly keyboardWedgeDetection: 'page' | 'shell';
  readonly keyboardWedge: KeyboardWedgeReader | null;
  readonly tablet: Pick<TabletStanding, 'info'>;
  readonly now: () => number;
  readonly siteLanguages: SiteLanguageSource;
}

export function deviceInfoSource({
  config,
  session,
  state,
  keyboardWedgeDetection,
  keyboardWedge,
  tablet,
  now,
  siteLanguages,
}: DeviceInfoDeps): DeviceInfoSource {
  const currentLanguage = (): LanguageCode => session.getSnapshot().context.resident?.language ?? state.attractLanguage;
  const info = (): DeviceInfo => {
    const languages = siteLanguages();
    return {
      deviceName: config.device.name,
      siteName: config.site.name,
      mode: config.device.mode,
      appVersion,
      languages: languages.offered,
      defaultLanguage: languages.default,
      language: currentLanguage(),
      keyboardWedge:
        keyboardWedgeDetection === 'page' && keyboardWedge !== null
          ? { detectIn: 'page', ...keyboardWedge.settings, prefix: [...keyboardWedge.settings.prefix], suffix: [...keyboardWedge.settings.suffix] }
          : null,
      tablet: tablet.info(),
      timeZone: config.site.timeZone,
      clockAt: now(),
    };
  };
  return { info, currentLanguage };
}
