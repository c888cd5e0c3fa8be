// The kiosk's one screen at a time, chosen by the session's phase, plus what sits above every screen:
// the connection banner, a failed call in words, and the idle warning.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceErrorCode, LanguageCode, SessionPhase, SessionView } from '../../main/contract';
import { DeviceApiError, type DeviceClient } from './api/client';
import { CaptionsWantedContext, useCaptionsChoice } from './captions/captions';
import { CallErrorNotice } from './components/CallErrorNotice';
import { ConnectionBanner } from './components/ConnectionBanner';
import { DisplayControls } from './components/DisplayControls';
import { IdleWarningDialog } from './components/IdleWarningDialog';
import { StatusHeader } from './components/StatusHeader';
import type { TextSize } from './components/TextSizeSwitch';
import type { ScreenTheme } from './components/ScreenLookSwitch';
import { FrameChromeProvider } from './frame/ScreenFrame';
import { useActivityReporting } from './hooks/useActivityReporting';
import { useDeviceState } from './hooks/useDeviceState';
import { useEnrollmentStatus } from './hooks/useEnrollmentStatus';
import { useFacilityUnreachable } from './hooks/useFacilityUnreachable';
import { useHomeSummary } from './hooks/useHomeSummary';
import { showLanguage } from './i18n';
import { showTimesIn } from './i18n/format';
import { languageToShow, offeredLanguages } from './i18n/languages';
import { useFocusedFieldKeptInView } from './hooks/useFocusedFieldKeptInView';
import { AttractScreen } from './screens/AttractScreen';
import { EnrollmentScreen } from './screens/enrollment/EnrollmentScreen';
import { HomeScreen, type Service } from './screens/HomeScreen';
import { LoadingScreen } from './screens/LoadingScreen';
import { DeviceFullScreen } from './screens/DeviceFullScreen';
import { LockedOutScreen } from './screens/LockedOutScreen';
import { PinEntryScreen } from './screens/PinEntryScreen';
import { ServiceScreen } from './screens/service/ServiceScreen';
import { MailScreen } from './screens/mail/MailScreen';
import { MoneyScreen } from './screens/money/MoneyScreen';
import { StampsScreen } from './screens/money/StampsScreen';
import { VisitsScreen } from './screens/visits/VisitsScreen';
import { SyncLockedScreen } from './screens/tablet/SyncLockedScreen';
import { TabletDimmer } from './screens/tablet/TabletDimmer';
import { TabletLockScreen } from './screens/tablet/TabletLockScreen';
import { TabletSyncWarning, TabletSyncWarningDialog } from './screens/tablet/TabletSyncWarning';
import { screenLanguage } from './session/sessionRules';
import { useSwitchScanning } from './switchAccess/useSwitchScanning';

/** The home screen with its counts; a component of its own so the summary is fetched only while someone is signed in. */
function SignedInHome({ api, ...props }: Omit<Parameters<typeof HomeScreen>[0], 'summary' | 'facilityUnreachable'> & { api: DeviceClient }) {
  const summary = useHomeSummary(api);
  const facilityUnreachable = useFacilityUnreachable(api);
  return <HomeScreen {...props} summary={summary} facilityUnreachable={facilityUnreachable} />;
}

/**
 * A signed-in resident's screens: home, or one service opened from it. Which one is kept by App, so a tablet's lock (which
 * unmounts these: nothing of the person under the lock screen) unlocks to the same screen; sign-out reloads the page.
 */
function SignedInScreens({
  language,
  service,
  setService,
  ...props
}: Omit<Parameters<typeof SignedInHome>[0], 'onOpen'> & { language: LanguageCode; service: 'home' | Service; setService(service: 'home' | Service): void }) {
  const goHome = useCallback(() => setService('home'), [setService]);
  switch (service) {
    case 'mail':
      return <MailScreen api={props.api} language={language} onClose={goHome} onGoToStamps={() => setService('stamps')} timeZone={props.timeZone ?? null} />;
    case 'stamps':
      return <StampsScreen api={props.api} language={language} onClose={goHome} />;
    case 'money':
      return <MoneyScreen api={props.api} language={language} onClose={goHome} />;
    case 'visits':
      return <VisitsScreen api={props.api} language={language} timeZone={props.timeZone ?? null} onClose={goHome} />;
    case 'home':
      return <SignedInHome {...props} onOpen={setService} />;
    default: {
      const unknownService: never = service;
      return unknownService;
    }
  }
}

interface AppProps {
  api: DeviceClient;
  /** Reloads the page; injected so the reset at sign-out is one visible decision, made in main.tsx. */
  resetPage(): void;
}

/** A failed call, remembered with the phase it failed in so it disappears when the screen moves on. */
interface FailedCall {
  code: DeviceErrorCode;
  phase: SessionPhase | null;
}

export function App({ api, resetPage }: AppProps) {
  const { i18n } = useTranslation();
  const device = useDeviceState(api, resetPage);
  const enrollment = useEnrollmentStatus(api);
  const { session, info, applySession, applyInfo } = device;
  const phase = session?.phase ?? null;
  // A language the person or site wants that this device has no words for shows the site's default instead (docs/languages.md).
  const language: LanguageCode = languageToShow(screenLanguage(session, info), info?.defaultLanguage ?? null);
  // Before anything below formats a time: every screen shows the site's clock.
  showTimesIn(info?.timeZone ?? null);
  useFocusedFieldKeptInView();
  const [textSize, setTextSize] = useState<TextSize>('normal');
  // Contrast and motion travel like the text size: chosen on the screen, kept until the reload at sign-out. A system
  // that asks for less motion starts with it on (the CSS honours the system's wish either way).
  const [theme, setTheme] = useState<ScreenTheme>('standard');
  const [reducedMotion, setReducedMotion] = useState(() => window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  // Single-switch scanning lasts, like the text size, until sign-out reloads the page.
  const [switchScan, setSwitchScan] = useState(false);
  const toggleSwitchScan = useCallback(() => setSwitchScan((on) => !on), []);
  useSwitchScanning(switchScan, toggleSwitchScan);
  const [failedCall, setFailedCall] = useState<FailedCall | null>(null);
  // Where a signed-in person is; kept across a tablet's lock, reset with the page at sign-out.
  const [openService, setOpenService] = useState<'home' | Service>('home');
  // The lock rule's warning is said once per sign-in (an unlock is not one); the page reload at sign-out resets it.
  const [syncWarningSeen, setSyncWarningSeen] = useState(false);

  useEffect(() => {
    void showLanguage(i18n, language);
  }, [i18n, language]);

  // On <html>, so rem-based sizes everywhere grow together; the reload at sign-out puts it back.
  useEffect(() => {
    document.documentElement.dataset['textSize'] = textSize;
  }, [textSize]);
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  useEffect(() => {
    document.documentElement.dataset['motion'] = reducedMotion ? 'reduced' : 'full';
  }, [reducedMotion]);

  useActivityReporting(api, phase);

  /** Runs a call for a button; a failure is shown in words, a success clears the last failure. */
  const run = useCallback(
    async (action: () => Promise<void>): Promise<void> => {
      try {
        await action();
        setFailedCall(null);
      } catch (error) {
        setFailedCall({ code: error instanceof DeviceApiError ? error.code : 'internal', phase });
      }
    },
    [phase],
  );

  const enterPin = useCallback((pin: string) => run(async () => applySession(await api.call('session.enterPin', { pin }))), [api, run, applySession]);
  const cancel = useCallback(() => void run(async () => applySession(await api.call('session.cancel', {}))), [api, run, applySession]);
  const signOut = useCallback(() => void run(async () => applySession(await api.call('session.signOut', {}))), [api, run, applySession]);
  const leaveService = useCallback(() => void run(async () => applySession(await api.call('service.signOut', {}))), [api, run, applySession]);
  const stillHere = useCallback(() => void run(async () => void (await api.call('session.activity', {}))), [api, run]);
  // Unlike the text size, kept by the runtime with the person's row: it outlasts sign-out (docs/screens.md §17).
  const captions = useCaptionsChoice(api, session?.phase === 'signedIn' ? session.resident.id : null, run);
  const chooseLanguage = useCallback(
    (chosen: LanguageCode) =>
      void run(async () => {
        applyInfo(await api.call('device.setLanguage', { language: chosen }));
        // A resident's choice is kept on their record; fetch the view so the screen follows it at once.
        if (phase === 'signedIn') applySession(await api.call('session.current', {}));
      }),
    [api, run, applyInfo, applySession, phase],
  );

  const displayControls = (
    <DisplayControls
      languages={offeredLanguages(info?.languages ?? []).shown}
      language={language}
      onChooseLanguage={chooseLanguage}
      textSize={textSize}
      onChooseTextSize={setTextSize}
      theme={theme}
      onChooseTheme={setTheme}
      reducedMotion={reducedMotion}
      onChooseReducedMotion={setReducedMotion}
      switchScan={switchScan}
      onToggleSwitchScan={toggleSwitchScan}
      captions={captions}
    />
  );

  function currentScreen(view: SessionView | null) {
    if (view === null) return <LoadingScreen />;
    switch (view.phase) {
      case 'attract':
        // A device with no credential and nobody to serve shows enrollment; the session is on attract meanwhile.
        if (enrollment.status?.showEnrollment === true) {
          return <EnrollmentScreen api={api} status={enrollment.status} language={language} />;
        }
        return <AttractScreen notice={view.notice} info={info} readers={device.readers} />;
      case 'pinEntry':
        return <PinEntryScreen view={view} onSubmitPin={enterPin} onCancel={cancel} />;
      case 'lockedOut':
        return <LockedOutScreen until={view.until} onDismiss={cancel} />;
      case 'tabletLock':
        // A tablet whose credential the hub withdrew serves nobody until it is enrolled again, even with a person in
        // its store (a staff badge still opens service mode from here, to re-enroll or wipe it).
        if (enrollment.status?.showEnrollment === true && enrollment.status.credential === 'revoked') {
          return <EnrollmentScreen api={api} status={enrollment.status} language={language} />;
        }
        return <TabletLockScreen view={view} info={info} onSubmitPin={enterPin} />;
      case 'syncLocked':
        return <SyncLockedScreen api={api} info={info} />;
      case 'deviceFull':
        return <DeviceFullScreen />;
      case 'signedIn': {
        const tabletSync = info?.tablet?.sync ?? null;
        // On a tablet idle dims the screen, then locks: no countdown to a sign-out.
        const idleNotice =
          view.idleWarningEndsAt === null ? null : info?.mode === 'tablet' ? (
            <TabletDimmer onWake={stillHere} />
          ) : (
            <IdleWarningDialog endsAt={view.idleWarningEndsAt} onStillHere={stillHere} />
          );
        return (
          <>
            {/* inert while the idle warning is up, so the dialog is the only thing to reach */}
            <div className="screen-frame" inert={view.idleWarningEndsAt !== null}>
              <SignedInScreens
                api={api}
                service={openService}
                setService={setOpenService}
                language={language}
                resident={view.resident}
                sessionEndsAt={view.sessionEndsAt}
                onSignOut={signOut}
                timeZone={info?.timeZone ?? null}
              />
            </div>
            {idleNotice ??
              (tabletSync?.state === 'warning' && !syncWarningSeen ? (
                <TabletSyncWarningDialog standing={tabletSync} onClose={() => setSyncWarningSeen(true)} />
              ) : null)}
          </>
        );
      }
      case 'service':
        return (
          <>
            <div className="screen-frame" inert={view.idleWarningEndsAt !== null}>
              <ServiceScreen api={api} staff={view.staff} language={language} onSignOut={leaveService} />
            </div>
            {view.idleWarningEndsAt === null ? null : <IdleWarningDialog endsAt={view.idleWarningEndsAt} onStillHere={stillHere} />}
          </>
        );
      default: {
        const unreachable: never = view;
        return unreachable;
      }
    }
  }

  // A tablet's owner always sees whether it is online and when it last synced, in every signed-in frame's top bar; a wall
  // kiosk is always docked, and its screens' own "facility can't be reached" notes say what matters there.
  const statusLine =
    phase === 'signedIn' && info?.mode === 'tablet' ? (
      <>
        {/* The warning first: on a short screen the bar may scroll, and how many days are left matters most. */}
        <TabletSyncWarning standing={info.tablet?.sync ?? null} />
        <StatusHeader api={api} language={language} timeZone={info.timeZone} />
      </>
    ) : null;

  return (
    <FrameChromeProvider value={{ displayControls, statusLine, readAloud: { api, language } }}>
      <div className="app">
        <ConnectionBanner connection={device.connection} />
        <CallErrorNotice code={failedCall !== null && failedCall.phase === phase ? failedCall.code : null} />
        <CaptionsWantedContext.Provider value={captions?.wanted ?? false}>{currentScreen(session)}</CaptionsWantedContext.Provider>
      </div>
    </FrameChromeProvider>
  );
}
