// The audit chain check for the console (issue 17): the hub's own chain and each device's, walked from the first entry
// (verifyHubAuditChain, verifyDeviceAuditChain), with what was found said in a sentence for the staff member who asked.
import type { AuditChainReport } from './audit';
import { devicesWithAuditEntries, verifyDeviceAuditChain, verifyHubAuditChain } from './audit';
import type { HubContext } from './context';

export interface AuditVerdict {
  readonly subject: string;
  readonly deviceId: string | null;
  readonly intact: boolean;
  readonly entries: number;
  readonly sentence: string;
  readonly setAside: string | null;
}

const entriesInWords = (n: number): string => `${n.toLocaleString('en-US')} ${n === 1 ? 'entry' : 'entries'}`;

/** A chain's report in words: intact, or where it first broke and how, and what was kept aside on arrival. */
export function auditVerdictOf(subject: string, deviceId: string | null, report: AuditChainReport): AuditVerdict {
  const problem = report.problem;
  let sentence: string;
  if (problem === null) sentence = `${entriesInWords(report.entries)}, chain intact.`;
  else {
    const before = `${entriesInWords(report.verified)} before it checked out; ${report.entries.toLocaleString('en-US')} stored.`;
    switch (problem.problem) {
      case 'gap':
        sentence = `Broken at entry ${problem.seq}: it is missing (the next stored entry is ${problem.foundSeq}). ${before}`;
        break;
      case 'prevHashMismatch':
        sentence = `Broken at entry ${problem.seq}: it does not link to ${problem.seq === 1 ? 'the start of the chain' : `entry ${problem.seq - 1}`}. ${before}`;
        break;
      case 'hashMismatch':
        sentence = `Broken at entry ${problem.seq}: its fields no longer match its hash (it was changed after it was written). ${before}`;
        break;
      default: {
        const unknownProblem: never = problem;
        throw new Error(`unknown audit chain problem ${JSON.stringify(unknownProblem)}`);
      }
    }
  }
  const first = report.firstSetAside;
  const setAside =
    first === null
      ? null
      : `${report.setAside.toLocaleString('en-US')} ${report.setAside === 1 ? 'entry was' : 'entries were'} kept aside on arrival; the first, entry ${first.seq}, ${
          first.reason === 'seqTaken' ? 'came under a number the hub already held with a different entry' : 'was hashed under another device’s id'
        }.`;
  return { subject, deviceId, intact: problem === null && report.setAside === 0, entries: report.entries, sentence, setAside };
}

/** One device's chain, by name. */
export async function checkDeviceAuditChain(hub: HubContext, device: { deviceId: string; deviceName: string }): Promise<AuditVerdict> {
  return auditVerdictOf(device.deviceName, device.deviceId, await verifyDeviceAuditChain(hub.database, device.deviceId));
}

/** The hub's chain and the chain of every device of the site that has one (every site's for an admin: siteIds). */
export async function checkAuditChains(hub: HubContext, siteIds: readonly string[]): Promise<{ hub: AuditVerdict; devices: AuditVerdict[] }> {
  const hubVerdict = auditVerdictOf('The hub', null, await verifyHubAuditChain(hub.database));
  const devices: AuditVerdict[] = [];
  for (const siteId of siteIds) {
    for (const device of await devicesWithAuditEntries(hub.database, siteId)) {
      devices.push(await checkDeviceAuditChain(hub, { deviceId: device.device_id, deviceName: device.device_name }));
    }
  }
  return { hub: hubVerdict, devices };
}
