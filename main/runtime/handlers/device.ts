// device.* calls, and enrollment and the destructive service actions (main/device-actions.ts) wired to this device.
import type { KeyboardWedgeReader } from '../../../hardware/drivers/keyboard-wedge';
import { DeviceCallError, type CallHandlers } from '../../bridge/dispatch';
import { deviceActionHandlers, type DeviceActionCalls } from '../../device-actions';
import { signedInResidentId, signedInStaffId } from '../../session/kiosk-session';
import type { ResidentQueries } from '../../store/residents';
import type { DeviceInfoSource } from '../device-info';
import type { DeviceState } from '../device-state';
import type { SiteLanguageSource } from '../site-languages';
import type { DeviceNotices } from '../event-dedup';
import type { HubLink } from '../hub-link';
import type { ChooseLanguage } from '../language-choice';
import type { ConnectedReaders } from '../readers';
import type { SessionHandle } from '../session-actor';
import type { CallerGuard } from './access';

type DeviceCalls =
  'device.info' | 'device.readers' | 'device.keyboardRead' | 'device.setLanguage' | 'display.captions' | 'display.setCaptions' | DeviceActionCalls;

export interface DeviceHandlerDeps {
  readonly session: SessionHandle;
  readonly state: Pick<DeviceState, 'attractLanguage'>;
  readonly chooseLanguage: ChooseLanguage;
  readonly residents: Pick<ResidentQueries, 'captionsWanted' | 'setCaptionsWanted'>;
  readonly deviceInfo: DeviceInfoSource;
  readonly notices: Pick<DeviceNotices, 'languageMaybeChanged'>;
  readonly readers: Pick<ConnectedReaders, 'readerStatuses'>;
  readonly keyboardWedgeDetection: 'page' | 'shell';
  readonly keyboardWedge: KeyboardWedgeReader | null;
  readonly hubLink: Pick<HubLink, 'enrollment' | 'enroll' | 'requestWipe'>;
  readonly access: Pick<CallerGuard, 'staffAction'>;
  readonly siteLanguages: SiteLanguageSource;
}

export function deviceHandlers(deps: DeviceHandlerDeps): Pick<CallHandlers, DeviceCalls> {
  const { session, state, deviceInfo, keyboardWedge, hubLink } = deps;
  const requestWipe = hubLink.requestWipe;
  return {
    ...deviceActionHandlers({
      ...hubLink.enrollment,
      requestWipe: requestWipe === null ? null : () => requestWipe(signedInStaffId(session.getSnapshot())),
      reenroll: async (hubUrl, code) => {
        deps.access.staffAction('service.reenroll', 'enrollDevice');
        return hubLink.enroll(hubUrl, code);
      },
    }),
    'device.info': () => deviceInfo.info(),
    'device.readers': () => deps.readers.readerStatuses(),
    'device.keyboardRead': (input) => {
      // Exactly one detector per shell: where the shell detects, a page that sends reads is not ours to believe.
      if (deps.keyboardWedgeDetection === 'shell')
        throw new DeviceCallError('noKeyboardReader', 'This shell reads the keyboard itself; the page sends no keyboard reads.');
      if (keyboardWedge === null) throw new DeviceCallError('noKeyboardReader', 'This site has no keyboard-mode card reader.');
      // The text is never logged; the reader checks it against its settings and maps it like any scan.
      if ('text' in input) keyboardWedge.acceptFrame(input.text);
      else keyboardWedge.rejectBurst(input.rejected);
      return { done: true as const };
    },
    // The dispatcher let these through for a signed-in resident; whose choice it is comes from the session itself.
    'display.captions': () => {
      const residentId = signedInResidentId(session.getSnapshot());
      if (!residentId) throw new DeviceCallError('notSignedIn', 'display.captions needs someone signed in.');
      return { wanted: deps.residents.captionsWanted(residentId) };
    },
    'display.setCaptions': ({ wanted }) => {
      const residentId = signedInResidentId(session.getSnapshot());
      if (!residentId) throw new DeviceCallError('notSignedIn', 'display.setCaptions needs someone signed in.');
      deps.residents.setCaptionsWanted(residentId, wanted);
      return { wanted: deps.residents.captionsWanted(residentId) };
    },
    'device.setLanguage': ({ language }) => {
      if (!deps.siteLanguages().offered.includes(language)) {
        throw new DeviceCallError('languageNotOffered', `${language} is not offered at this site.`);
      }
      const residentId = signedInResidentId(session.getSnapshot());
      if (residentId) {
        deps.chooseLanguage(residentId, language);
        session.send({ type: 'LANGUAGE_CHOSEN', language });
      } else {
        state.attractLanguage = language;
      }
      deps.notices.languageMaybeChanged();
      return deviceInfo.info();
    },
  };
}
