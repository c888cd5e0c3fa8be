// Every call the bridge answers, put together from the areas' slices; each slice is handed only what it uses.
import type { KeyboardWedgeReader } from '../../../hardware/drivers/keyboard-wedge';
import type { KioskConfig } from '../../../kiosk-config/schema';
import type { AuditRecorder } from '../../audit/audit-log';
import type { CallHandlers } from '../../bridge/dispatch';
import type { Logger } from '../../logging';
import type { MailService } from '../../mail/mail-service';
import type { MoneyService } from '../../money/money-service';
import type { ServiceMode } from '../../service-mode/service-mode';
import type { HomeSummaryQueries } from '../../store/home-summary';
import type { LetterNoticeQueries } from '../../store/letter-notices';
import type { StorageReserve } from '../../store/storage-reserve';
import { createResidentSyncTrigger } from '../../sync/resident-sync-now';
import type { TabletAssignment } from '../../tablet/tablet-assignment';
import type { VisitsService } from '../../visits/visits-service';
import type { ResidentQueries } from '../../store/residents';
import type { DeviceInfoSource } from '../device-info';
import type { DeviceState, SyncStatusReader } from '../device-state';
import type { DeviceNotices } from '../event-dedup';
import type { HubLink } from '../hub-link';
import type { ChooseLanguage } from '../language-choice';
import type { ConnectedReaders } from '../readers';
import type { RestartScheduler } from '../restart';
import type { SessionActor } from '../session-actor';
import { callerGuard } from './access';
import type { SiteLanguageSource } from '../site-languages';
import { deviceHandlers } from './device';
import { homeHandlers } from './home';
import { mailHandlers } from './mail';
import { moneyHandlers } from './money';
import { serviceHandlers } from './service';
import { sessionHandlers } from './session';
import { syncHandlers } from './sync';
import { tabletHandlers } from './tablet';
import { visitsHandlers } from './visits';

export interface CallHandlerParts {
  readonly config: KioskConfig;
  readonly session: SessionActor;
  readonly state: DeviceState;
  readonly chooseLanguage: ChooseLanguage;
  readonly residents: Pick<ResidentQueries, 'captionsWanted' | 'setCaptionsWanted'>;
  readonly deviceInfo: DeviceInfoSource;
  readonly notices: Pick<DeviceNotices, 'languageMaybeChanged'>;
  readonly readers: Pick<ConnectedReaders, 'readerStatuses'>;
  readonly keyboardWedgeDetection: 'page' | 'shell';
  readonly keyboardWedge: KeyboardWedgeReader | null;
  readonly hubLink: Pick<HubLink, 'enrollment' | 'enroll' | 'requestWipe'>;
  readonly syncStatus: SyncStatusReader;
  readonly homeSummaries: HomeSummaryQueries;
  readonly tabletAssignment: Pick<TabletAssignment, 'assign' | 'unassign'>;
  readonly mail: MailService;
  readonly money: MoneyService;
  readonly visits: Pick<VisitsService, 'list' | 'next'>;
  readonly letterNotices: LetterNoticeQueries;
  readonly storage: Pick<StorageReserve, 'roomForDeferrableWrites'>;
  readonly serviceMode: ServiceMode;
  readonly onRestartRequested: (() => void) | undefined;
  readonly restarts: RestartScheduler;
  readonly audit: AuditRecorder;
  readonly logger: Logger;
  readonly now: () => number;
  readonly siteLanguages: SiteLanguageSource;
}

export function callHandlers(parts: CallHandlerParts): CallHandlers {
  const { session, state, syncStatus, logger, now } = parts;
  const access = callerGuard(session, parts.audit, logger);
  const residentSyncNow = createResidentSyncTrigger({ sync: () => state.sync, now, notEnrolledStatus: syncStatus.notEnrolled });
  return {
    ...deviceHandlers({ ...parts, access }),
    ...sessionHandlers(session),
    ...homeHandlers(parts),
    ...syncHandlers({ syncStatus, residentSyncNow, access, logger }),
    ...tabletHandlers({ session, tabletAssignment: parts.tabletAssignment, residentSyncNow, access, logger }),
    ...mailHandlers({ ...parts, access }),
    ...moneyHandlers(parts.money, access),
    ...visitsHandlers(parts.visits, access),
    ...serviceHandlers({ ...parts, access }),
  };
}
