// Device health at the hub (issue 17): each pull marks the device seen by the hub's clock and keeps the report that
// came with it; the fleet view and one device's detail read them back through the trouble rule (device-trouble.ts).
//
// A report is a claim. It is written to the reporting device's own row (the device the bearer secret proved), and to
// nothing else: it carries no device id, name or assignee, so it cannot rename a device, hand a tablet to anyone or
// speak for another device. When the hub last saw the device and how far its sync has come are the hub's own facts.
import { DeviceHealthReport, type HealthReceipt } from '../protocol/health';
import type { SqlExecutor } from '../db/database';
import { notFound, type HubContext } from './context';
import { scopedChangesQuery } from './pull';
import { fleetOrder, newestVersionOf, troublesOf, worstSeverity, type Trouble, type TroubleSeverity } from '../../rules/device-trouble';
import type { DeviceKind, RevocationReason } from './devices';

/** A report as the route parsed it: the report, or why it does not fit (in words, naming the field). */
export type ParsedHealthReport = { readonly ok: true; readonly report: DeviceHealthReport } | { readonly ok: false; readonly problem: string };

/** One pull as device health keeps it: when the hub saw the device, the position it proved, and its report if any. */
export interface DeviceSighting {
  readonly deviceId: string;
  /** The hub's clock. */
  readonly seenAt: number;
  readonly pulledThroughSeq: number;
  readonly health: ParsedHealthReport | null;
}

/** What to tell the device about its report: undefined when it sent none. */
export function healthReceiptOf(health: ParsedHealthReport | null): HealthReceipt | undefined {
  if (health === null) return undefined;
  return health.ok ? { status: 'stored' } : { status: 'refused', code: 'healthReportInvalid', message: refusedReportMessage(health.problem) };
}

function refusedReportMessage(problem: string): string {
  return `The health report was not stored: ${problem}.`;
}

/**
 * Writes many sightings in one statement (hub/live/device-sightings.ts gathers them; at most one per device). Each
 * marks its device seen at the position its signed cursor proved and keeps its report; a report that did not fit is
 * refused for itself alone (the previous one stays, `report_refused_*` says why). A sighting older than the stored
 * one (another hub process wrote a later pull first) moves nothing back. A device deleted meanwhile is skipped.
 */
export async function recordDeviceSightings(db: SqlExecutor, sightings: readonly DeviceSighting[]): Promise<void> {
  if (sightings.length === 0) return;
  const rows = sightings.map((sighting) => ({
    device_id: sighting.deviceId,
    seen_at: sighting.seenAt,
    through_seq: sighting.pulledThroughSeq,
    report: sighting.health?.ok === true ? sighting.health.report : null,
    refused: sighting.health?.ok === false ? refusedReportMessage(sighting.health.problem).slice(0, 500) : null,
  }));
  await db.query(
    `INSERT INTO device_health AS h (device_id, last_seen_at, pulled_through_seq, report, report_received_at, report_refused_at, report_refused_message)
     SELECT x.device_id, x.seen_at, x.through_seq, x.report, CASE WHEN x.report IS NULL THEN NULL ELSE x.seen_at END,
            CASE WHEN x.refused IS NULL THEN NULL ELSE x.seen_at END, x.refused
       FROM jsonb_to_recordset($1::jsonb) AS x(device_id text, seen_at bigint, through_seq bigint, report jsonb, refused text)
      WHERE EXISTS (SELECT 1 FROM devices d WHERE d.device_id = x.device_id)
     ON CONFLICT (device_id) DO UPDATE SET
       last_seen_at = GREATEST(h.last_seen_at, EXCLUDED.last_seen_at),
       pulled_through_seq = CASE WHEN EXCLUDED.last_seen_at >= h.last_seen_at THEN EXCLUDED.pulled_through_seq ELSE h.pulled_through_seq END,
       report = COALESCE(EXCLUDED.report, h.report),
       report_received_at = CASE WHEN EXCLUDED.report IS NULL THEN h.report_received_at ELSE EXCLUDED.report_received_at END,
       report_refused_at = CASE WHEN EXCLUDED.report IS NOT NULL THEN NULL ELSE COALESCE(EXCLUDED.report_refused_at, h.report_refused_at) END,
       report_refused_message = CASE WHEN EXCLUDED.report IS NOT NULL THEN NULL ELSE COALESCE(EXCLUDED.report_refused_message, h.report_refused_message) END`,
    [JSON.stringify(rows)],
  );
}

interface FleetRow {
  readonly device_id: string;
  readonly site_id: string;
  readonly site_name: string;
  readonly kind: DeviceKind;
  readonly device_name: string;
  readonly enrolled_app_version: string;
  readonly housing_unit_id: string | null;
  readonly unit_name: string | null;
  readonly assignee_id: string | null;
  readonly assignee_name: string | null;
  readonly assignee_booking_number: string | null;
  readonly enrolled_at: number;
  readonly revoked_at: number | null;
  readonly revoked_reason: RevocationReason | null;
  readonly wipe_on_contact: boolean;
  readonly wipe_ordered_at: number | null;
  readonly last_seen_at: number | null;
  readonly pulled_through_seq: number | null;
  readonly report: unknown;
  readonly report_received_at: number | null;
  readonly report_refused_at: number | null;
  readonly report_refused_message: string | null;
}

const fleetSelect = `
  SELECT d.device_id, d.site_id, s.name AS site_name, d.kind, d.device_name, d.app_version AS enrolled_app_version, d.housing_unit_id,
         u.name AS unit_name, r.resident_id AS assignee_id, r.display_name AS assignee_name, r.credential_id AS assignee_booking_number,
         d.enrolled_at, d.revoked_at, d.revoked_reason, d.wipe_on_contact, d.wipe_ordered_at,
         h.last_seen_at, h.pulled_through_seq, h.report, h.report_received_at, h.report_refused_at, h.report_refused_message
    FROM devices d
    JOIN sites s ON s.site_id = d.site_id
    LEFT JOIN housing_units u ON u.housing_unit_id = d.housing_unit_id
    LEFT JOIN residents r ON r.resident_id = d.assigned_resident_id
    LEFT JOIN device_health h ON h.device_id = d.device_id`;

export interface DeviceHealthView {
  readonly deviceId: string;
  readonly siteId: string;
  readonly siteName: string;
  readonly kind: DeviceKind;
  readonly deviceName: string;
  readonly unitName: string | null;
  /** A tablet's resident, as the hub knows it (never as the device says). */
  readonly assignee: { readonly residentId: string; readonly displayName: string; readonly bookingNumber: string } | null;
  /** The version of its latest report, else the one it enrolled with. */
  readonly appVersion: string;
  readonly enrolledAt: number;
  readonly revokedAt: number | null;
  readonly revokedReason: RevocationReason | null;
  readonly lastSeenAt: number | null;
  readonly report: DeviceHealthReport | null;
  readonly reportReceivedAt: number | null;
  readonly troubles: readonly Trouble[];
  readonly worst: TroubleSeverity | null;
}

/** A stored report read back through the schema: one stored by an older hub that no longer fits counts as none. */
function storedReport(value: unknown): DeviceHealthReport | null {
  const parsed = DeviceHealthReport.safeParse(typeof value === 'string' ? JSON.parse(value) : value);
  return parsed.success ? parsed.data : null;
}

function viewOf(row: FleetRow, now: number, newestVersion: string | null): DeviceHealthView {
  const report = storedReport(row.report);
  const refusedLast = row.report_refused_at !== null && (row.report_received_at === null || row.report_refused_at > row.report_received_at);
  const troubles = troublesOf(
    {
      kind: row.kind,
      lastSeenAt: row.last_seen_at,
      enrolledAt: row.enrolled_at,
      revokedAt: row.revoked_at,
      revokedReason: row.revoked_reason,
      wipePending: row.wipe_on_contact && row.wipe_ordered_at === null,
      report,
      reportReceivedAt: row.report_received_at,
      reportRefusedAt: refusedLast ? row.report_refused_at : null,
      reportRefusedMessage: refusedLast ? row.report_refused_message : null,
    },
    { now, newestVersion },
  );
  return {
    deviceId: row.device_id,
    siteId: row.site_id,
    siteName: row.site_name,
    kind: row.kind,
    deviceName: row.device_name,
    unitName: row.unit_name,
    assignee:
      row.assignee_id !== null && row.assignee_name !== null && row.assignee_booking_number !== null
        ? { residentId: row.assignee_id, displayName: row.assignee_name, bookingNumber: row.assignee_booking_number }
        : null,
    appVersion: report?.appVersion ?? row.enrolled_app_version,
    enrolledAt: row.enrolled_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
    lastSeenAt: row.last_seen_at,
    report,
    reportReceivedAt: row.report_received_at,
    troubles,
    worst: worstSeverity(troubles),
  };
}

export interface FleetCounts {
  /** Devices whose credential is good. */
  readonly inService: number;
  /** In service with a critical trouble or a warning. */
  readonly inTrouble: number;
  /** In service and not seen for the notSeen threshold. */
  readonly notSeen: number;
  readonly revoked: number;
}

export interface FleetPage {
  readonly counts: FleetCounts;
  /** Devices in the whole list (before the page was cut). */
  readonly total: number;
  readonly devices: readonly DeviceHealthView[];
}

/**
 * The fleet of a site (or every site: siteId null, for an admin), trouble first, then by unit and name, one page at a
 * time. The whole site is classified to sort it — a thousand rows of one join, cheap next to sending them — and only
 * the page is sent.
 */
export async function fleetHealth(
  hub: HubContext,
  input: { readonly siteId: string | null; readonly offset: number; readonly limit: number },
): Promise<FleetPage> {
  await hub.sightingsWritten();
  const rows =
    input.siteId === null
      ? await hub.database.query<FleetRow>(fleetSelect)
      : await hub.database.query<FleetRow>(`${fleetSelect} WHERE d.site_id = $1`, [input.siteId]);
  const now = hub.now();
  const newestVersion = newestVersionOf(
    rows.flatMap((row) => (row.revoked_at === null ? [storedReport(row.report)?.appVersion ?? row.enrolled_app_version] : [])),
  );
  const views = rows.map((row) => viewOf(row, now, newestVersion)).sort(fleetOrder);
  const inService = views.filter((view) => view.revokedAt === null);
  return {
    counts: {
      inService: inService.length,
      inTrouble: inService.filter((view) => view.worst === 'critical' || view.worst === 'warning').length,
      notSeen: inService.filter((view) => view.troubles.some((trouble) => trouble.kind === 'notSeen')).length,
      revoked: views.length - inService.length,
    },
    total: views.length,
    devices: views.slice(input.offset, input.offset + input.limit),
  };
}

/** The most changes counted as waiting for a device: beyond it the detail says "more than". */
export const waitingChangesCap = 1000;

export interface DeviceHealthDetail extends DeviceHealthView {
  /**
   * How far its sync is behind, by the hub's reckoning: the changes in its scope after the position its last pull's
   * signed cursor proved, counted up to waitingChangesCap. Null when it never pulled.
   */
  readonly syncLag: { readonly pulledThroughSeq: number; readonly logHeadSeq: number; readonly waitingChanges: number; readonly capped: boolean } | null;
  /** The hub's clock minus the device's, when its report came; positive: the device is behind. */
  readonly clockBehindMs: number | null;
}

interface DeviceScopeRow {
  readonly site_id: string;
  readonly housing_unit_id: string | null;
  readonly assigned_resident_id: string | null;
  readonly scope_start_seq: number;
}

async function waitingChangesOf(db: SqlExecutor, deviceId: string, afterSeq: number): Promise<{ count: number; capped: boolean }> {
  const [scope] = await db.query<DeviceScopeRow>('SELECT site_id, housing_unit_id, assigned_resident_id, scope_start_seq FROM devices WHERE device_id = $1', [
    deviceId,
  ]);
  if (scope === undefined) return { count: 0, capped: false };
  const query = scopedChangesQuery(deviceId, scope, afterSeq, waitingChangesCap);
  const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${query.sql}) waiting`, query.params);
  const count = rows[0]?.n ?? 0;
  return count > waitingChangesCap ? { count: waitingChangesCap, capped: true } : { count, capped: false };
}

/** One device's latest health, its troubles and its sync lag; notFound for a device the hub never enrolled. */
export async function deviceHealthDetail(hub: HubContext, deviceId: string): Promise<DeviceHealthDetail> {
  await hub.sightingsWritten();
  const [row] = await hub.database.query<FleetRow>(`${fleetSelect} WHERE d.device_id = $1`, [deviceId]);
  if (row === undefined) throw notFound('The hub has no device by that id.');
  const versions = await hub.database.query<{ report: unknown; app_version: string }>(
    `SELECT h.report, d.app_version FROM devices d LEFT JOIN device_health h ON h.device_id = d.device_id WHERE d.site_id = $1 AND d.revoked_at IS NULL`,
    [row.site_id],
  );
  const newestVersion = newestVersionOf(versions.map((version) => storedReport(version.report)?.appVersion ?? version.app_version));
  const view = viewOf(row, hub.now(), newestVersion);
  let syncLag: DeviceHealthDetail['syncLag'] = null;
  if (row.pulled_through_seq !== null) {
    const [head] = await hub.database.query<{ seq: number }>('SELECT coalesce(max(seq), 0)::bigint AS seq FROM change_log');
    const waiting = await waitingChangesOf(hub.database, deviceId, row.pulled_through_seq);
    syncLag = { pulledThroughSeq: row.pulled_through_seq, logHeadSeq: Number(head?.seq ?? 0), waitingChanges: waiting.count, capped: waiting.capped };
  }
  const clockBehindMs = view.report !== null && view.reportReceivedAt !== null ? view.reportReceivedAt - view.report.deviceTime : null;
  return { ...view, syncLag, clockBehindMs };
}
