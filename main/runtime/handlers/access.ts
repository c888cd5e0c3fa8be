// Who a call runs as: the resident or the staff member the session says is signed in (the dispatcher already refused
// anyone else), and the audit entry of a staff member's service action.
import type { AuditRecorder } from '../../audit/audit-log';
import { DeviceCallError, type SessionAccess } from '../../bridge/dispatch';
import type { Logger } from '../../logging';
import { MailAccessError } from '../../mail/mail-service';
import { MoneyAccessError } from '../../money/money-service';
import { signedInResidentId, signedInStaffId } from '../../session/kiosk-session';
import type { SessionHandle } from '../session-actor';

export type StaffServiceAction = 'syncNow' | 'exportLogs' | 'restartApp' | 'enrollDevice';

export interface CallerGuard {
  /**
   * Runs a resident's call as the resident the session says is signed in; an id that is not theirs gets the same
   * refusal whether or not it exists.
   */
  forResident<T>(name: string, run: (residentId: string) => T): T;
  /** The staff member the session says is in service mode. */
  requireStaff(name: string): string;
  /** Audits a service action as the staff member in service mode. */
  staffAction(name: string, action: StaffServiceAction): void;
}

export function callerGuard(session: Pick<SessionHandle, 'getSnapshot'>, audit: AuditRecorder, logger: Logger): CallerGuard {
  const requireStaff = (name: string): string => {
    const staffId = signedInStaffId(session.getSnapshot());
    if (!staffId) throw new DeviceCallError('notSignedIn', `${name} needs a staff member in service mode.`);
    return staffId;
  };
  return {
    forResident(name, run) {
      const residentId = signedInResidentId(session.getSnapshot());
      if (!residentId) throw new DeviceCallError('notSignedIn', `${name} needs someone signed in.`);
      try {
        return run(residentId);
      } catch (error) {
        if (error instanceof MailAccessError || error instanceof MoneyAccessError) throw new DeviceCallError('notAuthorized', error.message);
        throw error;
      }
    },
    requireStaff,
    staffAction(name, action) {
      const staffId = requireStaff(name);
      logger.info({ staffId, action }, 'service action');
      audit('staffAction', { kind: 'staff', id: staffId }, { action });
    },
  };
}

/** Who the dispatcher is serving, as the session says. */
export function sessionAccessOf(session: Pick<SessionHandle, 'getSnapshot'>): SessionAccess {
  const snapshot = session.getSnapshot();
  const residentId = signedInResidentId(snapshot);
  if (residentId) return { kind: 'resident', residentId };
  const staffId = signedInStaffId(snapshot);
  return staffId ? { kind: 'staff', staffId } : { kind: 'none' };
}
