// The services throw their own coded errors (they do not know how they are called); here, at the edge, each becomes
// the refusal the caller sees, with the service's sentence. An error that is not a service's refusal is not here and
// stays an internal failure.
import type { DeviceError, DeviceErrorCode } from '../contract';
import { DeviceActionError, type DeviceActionErrorCode } from '../device-actions';
import { TabletAssignmentError, type TabletAssignmentErrorCode } from '../tablet/tablet-assignment';

function tabletAssignmentRefusal(code: TabletAssignmentErrorCode): DeviceErrorCode {
  switch (code) {
    case 'changeInProgress':
      return 'wrongPhase';
    default: {
      const unknownCode: never = code;
      throw new Error(`unknown tablet assignment error ${String(unknownCode)}`);
    }
  }
}

function deviceActionRefusal(code: DeviceActionErrorCode): DeviceErrorCode {
  switch (code) {
    case 'alreadyEnrolled':
      return 'notAuthorized';
    case 'cannotRestart':
      return 'unavailable';
    default: {
      const unknownCode: never = code;
      throw new Error(`unknown device action error ${String(unknownCode)}`);
    }
  }
}

/** The refusal a service's coded error stands for, or null when the error is not one. */
export function refusalOfServiceError(error: unknown): DeviceError | null {
  if (error instanceof TabletAssignmentError) return { code: tabletAssignmentRefusal(error.code), message: error.message };
  if (error instanceof DeviceActionError) return { code: deviceActionRefusal(error.code), message: error.message };
  return null;
}
