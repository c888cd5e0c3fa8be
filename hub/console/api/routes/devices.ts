// The Devices and Audit areas of the facility console (issue 17), for IT (role devices) and supervisors: the fleet,
// trouble first; one device's latest health and its audit chain on demand; enrollment codes; revoking; giving a
// tablet to a resident and taking it back; and the audit chain check. A staff member sees and acts on their own site's
// devices only (requireSite), an admin on every site's. Every POST is audited by the route table with the staff
// member's name and the subject each handler names.
import { checkAuditChains, checkDeviceAuditChain } from '../../../services/audit-check';
import { deviceHealthDetail, fleetHealth, type DeviceHealthView } from '../../../services/device-health';
import { assignTablet, issueEnrollmentCode, revokeDevice, unassignTablet } from '../../../services/devices';
import { findResident } from '../../../services/residents';
import { listHousingUnits, listSites } from '../../../services/sites';
import { ConsoleRefusal, defineConsoleRoute, type ConsoleRequestContext } from '../route';
import type { StaffRole } from '../schemas/common';
import {
  AssignRequest,
  AuditCheckResponse,
  AuditVerdict,
  DeviceDetailResponse,
  DeviceParams,
  EmptyRequest,
  EnrollmentCodeRequest,
  EnrollmentCodeResponse,
  FleetQuery,
  FleetResponse,
  HousingUnitsResponse,
  RevokeRequest,
  type FleetDevice,
} from '../schemas/devices';

/** IT runs the fleet; supervisors see it and act on it too. Admin is always allowed. */
const deviceRoles: readonly StaffRole[] = ['devices', 'supervisor'];

function fleetDeviceOf(view: DeviceHealthView): FleetDevice {
  return {
    deviceId: view.deviceId,
    siteName: view.siteName,
    kind: view.kind,
    deviceName: view.deviceName,
    unitName: view.unitName,
    assignee: view.assignee,
    appVersion: view.appVersion,
    enrolledAt: view.enrolledAt,
    lastSeenAt: view.lastSeenAt,
    revokedAt: view.revokedAt,
    revokedReason: view.revokedReason,
    session: view.report?.session ?? null,
    battery: view.report?.battery ?? null,
    troubles: [...view.troubles],
    worst: view.worst,
  };
}

/** The device, if it is at the staff member's site (an admin's: any); another site's is refused as not there. */
async function deviceAtYourSite(context: ConsoleRequestContext, deviceId: string) {
  const detail = await deviceHealthDetail(context.hub, deviceId);
  context.requireSite(detail.siteId);
  return detail;
}

async function detailResponse(context: ConsoleRequestContext, deviceId: string): Promise<DeviceDetailResponse> {
  const detail = await deviceAtYourSite(context, deviceId);
  return {
    ...fleetDeviceOf(detail),
    report: detail.report,
    reportReceivedAt: detail.reportReceivedAt,
    clockBehindMs: detail.clockBehindMs,
    syncLag: detail.syncLag,
    serverTime: context.hub.now(),
  };
}

/** The site a code or a unit list is for: the staff member's own; an admin has none and must work from one site's page. */
function ownSite(context: ConsoleRequestContext): string {
  const siteId = context.staff.siteId;
  if (siteId === null) throw new ConsoleRefusal(400, 'invalid', 'An admin account belongs to no site: sign in with a site’s account to enroll its devices.');
  return siteId;
}

export const deviceRoutes = [
  defineConsoleRoute({
    name: 'devices.fleet',
    method: 'GET',
    path: '/devices',
    roles: deviceRoles,
    query: FleetQuery,
    response: FleetResponse,
    handler: async ({ query }, context) => {
      const page = await fleetHealth(context.hub, { siteId: context.siteFilter(), offset: query.offset, limit: query.limit });
      return {
        counts: page.counts,
        total: page.total,
        offset: query.offset,
        limit: query.limit,
        devices: page.devices.map(fleetDeviceOf),
        serverTime: context.hub.now(),
      };
    },
  }),
  defineConsoleRoute({
    name: 'devices.units',
    method: 'GET',
    path: '/devices/housing-units',
    roles: deviceRoles,
    response: HousingUnitsResponse,
    handler: async (_input, context) => {
      const units = await listHousingUnits(context.hub.database, ownSite(context));
      return { units: units.map((unit) => ({ housingUnitId: unit.housingUnitId, name: unit.name })) };
    },
  }),
  defineConsoleRoute({
    name: 'devices.detail',
    method: 'GET',
    path: '/devices/:deviceId',
    roles: deviceRoles,
    params: DeviceParams,
    response: DeviceDetailResponse,
    handler: async ({ params }, context) => detailResponse(context, params.deviceId),
  }),
  defineConsoleRoute({
    name: 'devices.auditCheck',
    method: 'POST',
    path: '/devices/:deviceId/audit-check',
    roles: deviceRoles,
    params: DeviceParams,
    body: EmptyRequest,
    response: AuditVerdict,
    handler: async ({ params }, context) => {
      const device = await deviceAtYourSite(context, params.deviceId);
      context.audit(`device ${device.deviceName} (${device.deviceId})`);
      return checkDeviceAuditChain(context.hub, { deviceId: device.deviceId, deviceName: device.deviceName });
    },
  }),
  defineConsoleRoute({
    name: 'devices.issueEnrollmentCode',
    method: 'POST',
    path: '/devices/enrollment-codes',
    roles: deviceRoles,
    body: EnrollmentCodeRequest,
    response: EnrollmentCodeResponse,
    handler: async ({ body }, context) => {
      const siteId = ownSite(context);
      let unitName: string | null = null;
      if (body.kind === 'kiosk') {
        const unit = (await listHousingUnits(context.hub.database, siteId)).find((candidate) => candidate.housingUnitId === body.housingUnitId);
        if (unit === undefined) throw new ConsoleRefusal(404, 'notFound', 'There is no such housing unit at your site.');
        unitName = unit.name;
      }
      const issued = await issueEnrollmentCode(context.hub, { siteId, kind: body.kind, housingUnitId: body.kind === 'kiosk' ? body.housingUnitId : null });
      // The code itself is never written to the audit log: it is a secret until used.
      context.audit(body.kind === 'kiosk' ? `a kiosk code for ${unitName ?? ''}` : 'a tablet code');
      return { code: issued.code, expiresAt: issued.expiresAt, kind: issued.kind, unitName };
    },
  }),
  defineConsoleRoute({
    name: 'devices.revoke',
    method: 'POST',
    path: '/devices/:deviceId/revoke',
    roles: deviceRoles,
    params: DeviceParams,
    body: RevokeRequest,
    response: DeviceDetailResponse,
    handler: async ({ params, body }, context) => {
      const device = await deviceAtYourSite(context, params.deviceId);
      context.audit(`device ${device.deviceName} (${device.deviceId}): ${body.reason}${body.wipe ? ', wipe ordered' : ''}`);
      if (body.confirmDeviceName.trim() !== device.deviceName) {
        throw new ConsoleRefusal(400, 'invalid', `To revoke it, type the device’s name exactly as shown: ${device.deviceName}.`);
      }
      const outcome = await revokeDevice(context.hub, { siteId: device.siteId, deviceId: device.deviceId, reason: body.reason, wipe: body.wipe });
      if (!outcome.ok) {
        if (outcome.problem === 'notFound') throw new ConsoleRefusal(404, 'notFound', 'There is no such device at your site.');
        throw new ConsoleRefusal(409, 'conflict', `${device.deviceName} is already revoked${body.wipe ? ' and ordered to wipe itself' : ''}.`);
      }
      return detailResponse(context, device.deviceId);
    },
  }),
  defineConsoleRoute({
    name: 'devices.assignTablet',
    method: 'POST',
    path: '/devices/:deviceId/assign',
    roles: deviceRoles,
    params: DeviceParams,
    body: AssignRequest,
    response: DeviceDetailResponse,
    handler: async ({ params, body }, context) => {
      const device = await deviceAtYourSite(context, params.deviceId);
      context.audit(`tablet ${device.deviceName} (${device.deviceId}) to booking number ${body.bookingNumber}`);
      if (device.kind !== 'tablet') throw new ConsoleRefusal(400, 'invalid', `${device.deviceName} is a kiosk; only a tablet is given to one resident.`);
      if (device.revokedAt !== null)
        throw new ConsoleRefusal(409, 'conflict', `${device.deviceName} is revoked; enroll a tablet again before giving it to anyone.`);
      const resident = await findResident(context.hub.database, device.siteId, body.bookingNumber);
      if (resident.status !== 'active') throw new ConsoleRefusal(409, 'conflict', 'The resident with that booking number has been released.');
      await assignTablet(context.hub, { deviceId: device.deviceId, residentId: resident.resident_id });
      return detailResponse(context, device.deviceId);
    },
  }),
  defineConsoleRoute({
    name: 'devices.releaseTablet',
    method: 'POST',
    path: '/devices/:deviceId/release',
    roles: deviceRoles,
    params: DeviceParams,
    body: EmptyRequest,
    response: DeviceDetailResponse,
    handler: async ({ params }, context) => {
      const device = await deviceAtYourSite(context, params.deviceId);
      context.audit(`tablet ${device.deviceName} (${device.deviceId}) from ${device.assignee?.displayName ?? 'nobody'}`);
      await unassignTablet(context.hub, { deviceId: device.deviceId });
      return detailResponse(context, device.deviceId);
    },
  }),
  defineConsoleRoute({
    name: 'audit.check',
    method: 'POST',
    path: '/audit/check',
    roles: deviceRoles,
    body: EmptyRequest,
    response: AuditCheckResponse,
    handler: async (_input, context) => {
      const site = context.siteFilter();
      const siteIds = site === null ? (await listSites(context.hub.database)).map((each) => each.siteId) : [site];
      context.audit(site === null ? 'the hub and every site’s devices' : 'the hub and the site’s devices');
      const checked = await checkAuditChains(context.hub, siteIds);
      return {
        checkedAt: context.hub.now(),
        allIntact: checked.hub.intact && checked.devices.every((verdict) => verdict.intact),
        hub: checked.hub,
        devices: checked.devices,
      };
    },
  }),
];
