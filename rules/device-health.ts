// A device's health report (issue 17): what it says about itself with each sync cycle, for IT's view of the fleet at
// the hub. Here in rules/ because three sides read it: the device makes it, the hub checks and stores it (the wire
// protocol carries it: hub/protocol/health.ts) and the facility console shows it. It is a claim, not a proof: no field
// names the device, renames it or says who holds it (the hub knows those), and the hub keeps its own clock for when it
// last saw the device. Sizes are bounded so a broken or hostile device cannot make the hub store much. Pure zod.
import { z } from 'zod';

/** Epoch milliseconds (the protocol's Timestamp, restated: rules/ imports nothing of the project). */
const Timestamp = z.number().int().nonnegative();

/** More readers than any device has; the bound keeps a report small. */
export const maxReportedReaders = 8;

/** A count or a byte size a device may report: a non-negative safe integer. */
const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const ReportedReaderState = z.enum(['connected', 'connecting', 'disconnected']);
export type ReportedReaderState = z.infer<typeof ReportedReaderState>;

export const ReportedReader = z
  .object({
    /** The site file's reader id ("badge", "scanner"): letters, digits, dashes and dots. */
    readerId: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'a reader id is 1 to 40 letters, digits, dots or dashes'),
    /** The driver's kind ("serial-rfid", "hid-magstripe"). */
    kind: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'a reader kind is 1 to 40 letters, digits, dots or dashes'),
    state: ReportedReaderState,
    /** The reader's last event (a read, a rejection, a connection change) by the device's clock; null: none yet. */
    lastEventAt: Timestamp.nullable(),
  })
  .strict();
export type ReportedReader = z.infer<typeof ReportedReader>;

/**
 * Where the device's session is. `revoked`: the hub withdrew its credential and it shows enrollment; `pinLockedOut`:
 * too many wrong PINs keep its pad shut for a while; `tabletLocked`: a tablet's lock screen (its person's session may
 * be held); `syncLocked`: a tablet locked for want of a sync.
 */
export const ReportedSessionState = z.enum(['idle', 'signingIn', 'signedIn', 'serviceMode', 'tabletLocked', 'syncLocked', 'pinLockedOut', 'revoked']);
export type ReportedSessionState = z.infer<typeof ReportedSessionState>;

export const DeviceHealthReport = z
  .object({
    appVersion: z.string().regex(/^[0-9A-Za-z.+-]{1,40}$/, 'an app version is 1 to 40 letters, digits, dots, pluses or dashes'),
    /** The device's own clock when it made the report: the hub compares it with its own to show the clock's drift. */
    deviceTime: Timestamp,
    outbox: z
      .object({
        pending: Count,
        /** How long the oldest action waiting to be sent has waited, by the device's clock; null when none waits. */
        oldestPendingAgeMs: Count.nullable(),
      })
      .strict(),
    readers: z.array(ReportedReader).max(maxReportedReaders),
    storage: z
      .object({
        /** Bytes the app may still write on its data volume; null when the device could not tell. */
        freeBytes: Count.nullable(),
        /** The store file and its write-ahead log. */
        storeBytes: Count,
      })
      .strict(),
    /** Tablets on battery; null where the device has none (a wall kiosk) or could not read it. */
    battery: z
      .object({ percent: z.number().int().min(0).max(100), charging: z.boolean() })
      .strict()
      .nullable(),
    session: ReportedSessionState,
  })
  .strict();
export type DeviceHealthReport = z.infer<typeof DeviceHealthReport>;
