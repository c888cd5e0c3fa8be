// Enrollment and the destructive service actions: who may enroll the device, re-enroll it or wipe it, decided here in
// the runtime against its own state, never by the page.
//
// - enrollment.enroll: allowed without anyone signed in only while the device shows the enrollment screen (no usable
//   credential and nobody in its store). A device that holds a credential refuses it whoever asks, so a person at the
//   attract screen cannot point a working kiosk at another hub; staff use service.reenroll for that.
// - service.reenroll (staff): a new credential replaces the old one only once the hub has issued it (a wrong code
//   leaves the device as it was). The store stays: the replica is dropped and pulled again under the new identity, and
//   what residents did here that has not reached the hub is renumbered and sent (main/sync/identity.ts). Staff
//   re-enroll because a hub was rebuilt or a device moved, not to destroy anyone's letters; the wipe is there for that.
// - service.wipeDevice (staff): main/device-wipe.ts, then the shell's restart hook starts a fresh runtime.
import type { CallHandlers } from './bridge/dispatch';
import type { EnrollmentStatus, EnrollResult } from './contract';
import type { CredentialRead, DeviceCredential, EnrollOutcome } from './sync/credential';

/**
 * Why an enrollment or wipe is refused, in this module's words; the bridge turns it into the caller's refusal
 * (main/bridge/service-errors.ts), as it does for the services, so only the bridge and the runtime speak the transport.
 */
export type DeviceActionErrorCode = 'alreadyEnrolled' | 'cannotRestart';

export class DeviceActionError extends Error {
  override readonly name = 'DeviceActionError';
  constructor(
    readonly code: DeviceActionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type DeviceActionCalls = 'enrollment.status' | 'enrollment.enroll' | 'service.reenroll' | 'service.wipeDevice';

export interface DeviceActionsDeps {
  readonly deviceName: string;
  /** The site file's hub.url, offered on the enrollment screen when the device has no credential. */
  readonly siteHubUrl: string | null;
  /** What the vault held at start, or the credential enrolled since. */
  credential(): CredentialRead;
  /**
   * True once the hub answered that it withdrew the credential (deviceRevoked). The credential stays in the vault: the
   * hub says so again at every contact, and a device restarted offline keeps serving its people until then.
   */
  revoked(): boolean;
  residentCount(): number;
  /** Trades the code for a credential, stores it and (re)starts sync. */
  enroll(hubUrl: string, code: string): Promise<EnrollOutcome>;
  /** The same for a staff member in service mode, audited as theirs. */
  reenroll(hubUrl: string, code: string): Promise<EnrollOutcome>;
  /** Null where the shell cannot start the runtime again (then a wipe is refused: it could not finish safely now). */
  readonly requestWipe: (() => void) | null;
}

export function enrollmentStatusOf(deps: Pick<DeviceActionsDeps, 'deviceName' | 'siteHubUrl' | 'credential' | 'revoked' | 'residentCount'>): EnrollmentStatus {
  const credential = deps.credential();
  const enrolled: DeviceCredential | null = credential.kind === 'found' ? credential.credential : null;
  const revoked = enrolled !== null && deps.revoked();
  return {
    credential: revoked ? 'revoked' : credential.kind === 'found' ? 'enrolled' : credential.kind,
    // A store with residents and no usable credential (its credential file damaged, or seeded without a hub for
    // screen tests) keeps serving them offline; staff see "not enrolled" in service mode and re-enroll from there.
    // A credential the hub withdrew is different: the facility decided this device serves nobody until enrolled again.
    showEnrollment: revoked || (enrolled === null && deps.residentCount() === 0),
    suggestedHubUrl: enrolled?.hubUrl ?? deps.siteHubUrl,
    siteName: enrolled?.siteName ?? null,
    deviceName: deps.deviceName,
  };
}

function resultOf(outcome: EnrollOutcome): EnrollResult {
  return outcome.ok ? { enrolled: true, siteName: outcome.credential.siteName, kind: outcome.credential.kind } : { enrolled: false, error: outcome.error.code };
}

export function deviceActionHandlers(deps: DeviceActionsDeps): Pick<CallHandlers, DeviceActionCalls> {
  return {
    'enrollment.status': () => enrollmentStatusOf(deps),
    'enrollment.enroll': async ({ hubUrl, code }) => {
      if (!enrollmentStatusOf(deps).showEnrollment) {
        throw new DeviceActionError('alreadyEnrolled', 'This device is already set up; staff enroll it again from service mode.');
      }
      return resultOf(await deps.enroll(hubUrl, code));
    },
    'service.reenroll': async ({ hubUrl, code }) => resultOf(await deps.reenroll(hubUrl, code)),
    'service.wipeDevice': () => {
      if (deps.requestWipe === null) throw new DeviceActionError('cannotRestart', 'This shell cannot start the device again, so it cannot wipe it now.');
      deps.requestWipe();
      return { done: true as const };
    },
  };
}
