// The hub's command line for the other side of the glass: set up a site, book residents in and out, approve
// contacts, hand out enrollment codes, take family messages, review, take deposits, schedule visits, assign tablets.
// Every command prints what happened in words; bad input exits non-zero with a message that says what to fix.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { HubDatabase } from '../db/database';
import { openHubDatabase } from '../db/open';
import type { ScryptCost } from '../security/pin-hash';
import {
  addContact,
  addHousingUnit,
  addResident,
  addStaff,
  assignTablet,
  auditLedgers,
  cancelVisit,
  clearLockout,
  createSite,
  deposit,
  devicesWithAuditEntries,
  findAuditDevice,
  depositSources,
  findHousingUnit,
  findResident,
  getContact,
  getSiteRules,
  hubContext,
  HubInputError,
  issueEnrollmentCode,
  listDevices,
  revokeDevice,
  revocationReasons,
  verifyHubAuditChain,
  listFamilyNotices,
  listHousingUnits,
  listContacts,
  listLedgerEntries,
  listResidents,
  listReviewQueue,
  listSites,
  releaseResident,
  residentLockout,
  reviewMessage,
  scheduleVisit,
  sendFamilyMessage,
  setStaffUnits,
  setContactApproval,
  setNotifyResidentOfRejectedMail,
  transferStamps,
  withdrawMessage,
  unassignTablet,
  moveResident,
  verifyDeviceAuditChain,
  type AttachmentUpload,
  type AuditChainReport,
  type HubContext,
  type SiteRules,
} from '../services/index';
import { dateTime, dollarsToCents, flag, oneOf, optionalText, requiredText, stampBooks, textList, wholeNumber, type OptionValues } from './arguments';
import { CliUsageError } from './errors';
import { bytes, count, dollars, visibleText, when } from './format';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Tests hand in an open database; otherwise --data or DATABASE_URL decides. */
  readonly database?: HubDatabase;
  readonly pinCost?: ScryptCost;
  readonly now?: () => number;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

interface CommandContext {
  readonly hub: HubContext;
  readonly values: OptionValues;
  readonly out: (line: string) => void;
  /** Who signs review decisions when --reviewer is not given: the login name at the console. */
  readonly reviewer: string;
  /** The site named by --site, or the only one. */
  site(): Promise<string>;
}

/**
 * A command that checks something (verify-audit) says what it found in its output either way; 'problemFound' makes
 * the exit code 1 without another message, so scripts and cron can tell a broken audit chain from a sound one.
 */
type CommandOutcome = 'done' | 'problemFound';

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: OptionSpec;
  run(context: CommandContext): Promise<CommandOutcome | void>;
}

const text = { type: 'string' } as const;
const many = { type: 'string', multiple: true } as const;
const yes = { type: 'boolean' } as const;

async function residentOf(context: CommandContext) {
  return findResident(context.hub.database, await context.site(), requiredText(context.values, 'resident', 'the resident id or booking number'));
}

async function unitOf(context: CommandContext) {
  return findHousingUnit(context.hub.database, await context.site(), requiredText(context.values, 'unit', 'the housing unit, by name or id'));
}

/** The housing units named by --unit (by name or id), in the order given. */
async function unitsOf(context: CommandContext, siteId: string) {
  return Promise.all(textList(context.values, 'unit').map((reference) => findHousingUnit(context.hub.database, siteId, reference)));
}

function staffReach(unitNames: readonly string[]): string {
  return unitNames.length === 0
    ? 'every device of the site will accept their badge and PIN in service mode.'
    : `only the kiosks of ${unitNames.join(', ')} will accept their badge and PIN in service mode.`;
}

async function attachmentFiles(paths: readonly string[], kind: AttachmentUpload['kind']): Promise<AttachmentUpload[]> {
  return Promise.all(
    paths.map(async (path) => {
      try {
        return { kind, bytes: await readFile(path) };
      } catch {
        throw new CliUsageError(`Cannot read the ${kind} file ${path}.`);
      }
    }),
  );
}

/** One device's verify-audit report, in words; true when something is wrong. */
function reportAuditChain(name: string, report: AuditChainReport, out: (line: string) => void): boolean {
  const device = `${name} (${report.deviceId})`;
  const problem = report.problem;
  if (problem === null) out(`${device}: ${count(report.entries, 'entry', 'entries')}, chain intact.`);
  else {
    const before = `${count(report.verified, 'entry', 'entries')} before it verified; ${report.entries} stored.`;
    switch (problem.problem) {
      case 'gap':
        out(`${device}: BROKEN at seq ${problem.seq}: gap — entry ${problem.seq} is missing (the next stored entry is seq ${problem.foundSeq}). ${before}`);
        break;
      case 'prevHashMismatch':
        out(`${device}: BROKEN at seq ${problem.seq}: prev_hash mismatch — it does not link to ${problem.seq === 1 ? 'the start of the chain' : `entry ${problem.seq - 1}'s hash`}. ${before}`);
        break;
      case 'hashMismatch':
        out(`${device}: BROKEN at seq ${problem.seq}: hash mismatch — its fields do not hash to its stored hash (changed after it was written). ${before}`);
        break;
      default: {
        const unknownProblem: never = problem;
        throw new Error(`unknown audit chain problem ${JSON.stringify(unknownProblem)}`);
      }
    }
  }
  if (report.firstSetAside !== null) {
    const why = report.firstSetAside.reason === 'seqTaken' ? 'a different entry under a seq the hub already held' : "hashed under another device's id";
    out(`  ${count(report.setAside, 'entry was', 'entries were')} kept aside on arrival; the first, seq ${report.firstSetAside.seq}: ${why}.`);
  }
  return problem !== null || report.setAside > 0;
}

const commands: Record<string, Command> = {
  'create-site': {
    summary: 'Create a site (a facility) with its stamp and money rules',
    usage: '--name "Hill County Jail" [--characters-per-stamp 2000] [--stamps-per-attachment 1] [--max-attachments 5] [--max-attachment-kb 3072] [--no-refund] [--books 5:250,10:450,20:800]',
    options: { name: text, 'characters-per-stamp': text, 'stamps-per-attachment': text, 'max-attachments': text, 'max-attachment-kb': text, 'no-refund': yes, books: text },
    async run({ hub, values, out }) {
      // Only the rules given on the command line; the rest keep the defaults (defaultSiteRules).
      const rules: Partial<SiteRules> = {};
      const charactersPerStamp = wholeNumber(values, 'characters-per-stamp', 'characters a stamp pays for', { min: 100, max: 100_000 });
      if (charactersPerStamp !== undefined) rules.charactersPerStamp = charactersPerStamp;
      const stampsPerAttachment = wholeNumber(values, 'stamps-per-attachment', 'stamps per attachment', { min: 0, max: 10 });
      if (stampsPerAttachment !== undefined) rules.stampsPerAttachment = stampsPerAttachment;
      const maxAttachments = wholeNumber(values, 'max-attachments', 'attachments per message', { min: 0, max: 10 });
      if (maxAttachments !== undefined) rules.maxAttachments = maxAttachments;
      const maxKb = wholeNumber(values, 'max-attachment-kb', 'kilobytes per attachment', { min: 1, max: 16_384 });
      if (maxKb !== undefined) rules.maxAttachmentBytes = maxKb * 1024;
      if (flag(values, 'no-refund')) rules.refundStampsOnRejection = false;
      const books = stampBooks(values, 'books');
      if (books !== undefined) rules.stampBooks = books;
      const site = await createSite(hub, { name: requiredText(values, 'name', 'the facility name'), rules });
      out(`Created site ${site.siteName} (site id ${site.siteId}).`);
      out(`  A stamp pays for ${site.charactersPerStamp} characters; each attachment costs ${count(site.stampsPerAttachment, 'more stamp', 'more stamps')}; up to ${site.maxAttachments} attachments of ${bytes(site.maxAttachmentBytes)}.`);
      out(`  Stamps ${site.refundStampsOnRejection ? 'come back' : 'do not come back'} when review rejects a message.`);
      out(`  Books: ${site.stampBooks.map((book) => `${book.stamps} stamps for ${dollars(book.priceCents)}`).join(', ')}.`);
    },
  },
  'add-unit': {
    summary: 'Add a housing unit',
    usage: '--name "A-Pod"',
    options: { name: text },
    async run(context) {
      const unit = await addHousingUnit(context.hub, { siteId: await context.site(), name: requiredText(context.values, 'name', 'the housing unit name') });
      context.out(`Added housing unit ${unit.name} (id ${unit.housingUnitId}).`);
    },
  },
  units: {
    summary: 'List the housing units',
    usage: '',
    options: {},
    async run(context) {
      const units = await listHousingUnits(context.hub.database, await context.site());
      if (units.length === 0) context.out('No housing units yet: add one with add-unit.');
      for (const unit of units) context.out(`${unit.name}  (id ${unit.housingUnitId})`);
    },
  },
  'add-resident': {
    summary: 'Book a resident in, with their PIN',
    usage: '--unit A-Pod --credential B1001 --name "Ana Diaz" --pin 4821 [--language en|es]',
    options: { unit: text, credential: text, name: text, pin: text, language: text },
    async run(context) {
      const unit = await unitOf(context);
      const resident = await addResident(context.hub, {
        housingUnitId: unit.housingUnitId,
        credentialId: requiredText(context.values, 'credential', 'the booking number or ID the card carries'),
        displayName: requiredText(context.values, 'name', "the resident's name"),
        pin: requiredText(context.values, 'pin', 'a PIN of 4 to 8 digits'),
        language: oneOf(context.values, 'language', ['en', 'es'] as const, 'en'),
      });
      context.out(`Booked ${resident.display_name} (${resident.credential_id}) into ${unit.name}. Resident id: ${resident.resident_id}.`);
    },
  },
  'move-resident': {
    summary: 'Move a resident to another housing unit',
    usage: '--resident B1001 --unit B-Pod',
    options: { resident: text, unit: text },
    async run(context) {
      const resident = await residentOf(context);
      const unit = await unitOf(context);
      await moveResident(context.hub, { residentId: resident.resident_id, housingUnitId: unit.housingUnitId });
      context.out(`Moved ${resident.display_name} to ${unit.name}. The kiosks there receive their records; the old unit's kiosks forget them.`);
    },
  },
  'release-resident': {
    summary: 'Release a resident (every device forgets them; their tablet is unassigned)',
    usage: '--resident B1001',
    options: { resident: text },
    async run(context) {
      const resident = await residentOf(context);
      await releaseResident(context.hub, { residentId: resident.resident_id });
      context.out(`Released ${resident.display_name}.`);
    },
  },
  residents: {
    summary: 'List residents with their housing unit and balances',
    usage: '',
    options: {},
    async run(context) {
      const residents = await listResidents(context.hub.database, await context.site());
      if (residents.length === 0) context.out('No residents yet: book one in with add-resident.');
      for (const resident of residents) {
        const where = resident.status === 'active' ? `in ${resident.housing_unit_name ?? '?'}` : 'released';
        context.out(`${resident.display_name} (${resident.credential_id}), ${where}: ${count(resident.stamp_balance, 'stamp', 'stamps')}, ${dollars(resident.debit_balance_cents)}  (id ${resident.resident_id})`);
      }
    },
  },
  'add-staff': {
    summary: 'Add a staff member who services devices (in the units they work in; site-wide without --unit)',
    usage: '--name "Officer Grant" --badge STAFF-77 --pin 9876 [--unit A-Pod ...]',
    options: { name: text, badge: text, pin: text, unit: many },
    async run(context) {
      const siteId = await context.site();
      const units = await unitsOf(context, siteId);
      const staff = await addStaff(context.hub, {
        siteId,
        displayName: requiredText(context.values, 'name', "the staff member's name"),
        badgeId: requiredText(context.values, 'badge', 'the badge id as the reader reads it'),
        pin: requiredText(context.values, 'pin', 'a PIN of 4 to 8 digits'),
        housingUnitIds: units.map((unit) => unit.housingUnitId),
      });
      context.out(`Added staff member ${staff.display_name} (id ${staff.staff_id}); ${staffReach(units.map((unit) => unit.name))}`);
    },
  },
  'set-staff-units': {
    summary: 'Change the housing units a staff member works in; devices leaving their reach delete their badge and PIN',
    usage: '--staff <staff id> (--unit A-Pod [--unit B-Pod ...] | --site-wide)',
    options: { staff: text, unit: many, 'site-wide': yes },
    async run(context) {
      const siteId = await context.site();
      const units = await unitsOf(context, siteId);
      const siteWide = flag(context.values, 'site-wide');
      // Both or neither is a slip of the hand; say which one was meant rather than guess.
      if (siteWide === (units.length > 0)) throw new CliUsageError('Give the units they work in with --unit, or --site-wide for every device of the site (not both).');
      const { staff } = await setStaffUnits(context.hub, { staffId: requiredText(context.values, 'staff', 'the staff id'), housingUnitIds: units.map((unit) => unit.housingUnitId) });
      context.out(`${staff.display_name}: ${staffReach(units.map((unit) => unit.name))}`);
    },
  },
  lockout: {
    summary: "Show a resident's wrong-PIN count and lockout, counted across all their devices",
    usage: '--resident B1001',
    options: { resident: text },
    async run(context) {
      const resident = await residentOf(context);
      const lockout = await residentLockout(context.hub.database, resident.resident_id);
      if (lockout === null) throw new Error(`resident ${resident.resident_id} vanished`);
      const name = `${resident.display_name} (${resident.credential_id})`;
      if (lockout.lockedUntil !== null && lockout.lockedUntil > context.hub.now()) context.out(`${name} is locked out until ${when(lockout.lockedUntil)} (lockout ${lockout.lockouts} in a row).`);
      else context.out(`${name} is not locked out: ${count(lockout.failedAttempts, 'wrong PIN', 'wrong PINs')} since the last sign-in or lockout.`);
      if (lockout.clearedAt !== null) context.out(`Last cleared by staff at ${when(lockout.clearedAt)}.`);
    },
  },
  'clear-lockout': {
    summary: "Clear a resident's lockout on all their devices (audited on the hub's chain)",
    usage: '--resident B1001 [--operator "Name"]',
    options: { resident: text, operator: text },
    async run(context) {
      const resident = await residentOf(context);
      const { was } = await clearLockout(context.hub, { residentId: resident.resident_id, operator: optionalText(context.values, 'operator') ?? context.reviewer });
      const name = `${resident.display_name} (${resident.credential_id})`;
      const wasLocked = was.lockedUntil !== null && was.lockedUntil > context.hub.now();
      context.out(`${name}: lockout cleared${wasLocked ? '' : ' (they were not locked out)'}; their devices let them try their PIN again after their next sync.`);
    },
  },
  'add-contact': {
    summary: "Add a contact to a resident's list (approve it now with --approved)",
    usage: '--resident B1001 --name "Maria Diaz" [--relationship mother] [--approved]',
    options: { resident: text, name: text, relationship: text, approved: yes },
    async run(context) {
      const resident = await residentOf(context);
      const contact = await addContact(context.hub, {
        residentId: resident.resident_id,
        displayName: requiredText(context.values, 'name', "the contact's name"),
        relationship: optionalText(context.values, 'relationship') ?? '',
        approved: flag(context.values, 'approved'),
      });
      context.out(`Added ${contact.display_name} to ${resident.display_name}'s contacts, ${contact.approved ? 'approved' : 'waiting for approval'}. Contact id: ${contact.contact_id}.`);
    },
  },
  contacts: {
    summary: "List a resident's contacts with their ids",
    usage: '--resident B1001',
    options: { resident: text },
    async run(context) {
      const resident = await residentOf(context);
      const contacts = await listContacts(context.hub.database, resident.resident_id);
      if (contacts.length === 0) context.out(`${resident.display_name} has no contacts yet: add one with add-contact.`);
      for (const contact of contacts) {
        context.out(`${contact.display_name}${contact.relationship === '' ? '' : ` (${contact.relationship})`}, ${contact.approved ? 'approved' : 'not approved'}  (id ${contact.contact_id})`);
      }
    },
  },
  'approve-contact': {
    summary: 'Approve a contact',
    usage: '--contact <contact id>',
    options: { contact: text },
    async run(context) {
      const contact = await setContactApproval(context.hub, { contactId: requiredText(context.values, 'contact', 'the contact id'), approved: true });
      context.out(`${contact.display_name} is now an approved contact.`);
    },
  },
  'unapprove-contact': {
    summary: 'Withdraw the approval of a contact',
    usage: '--contact <contact id>',
    options: { contact: text },
    async run(context) {
      const contact = await setContactApproval(context.hub, { contactId: requiredText(context.values, 'contact', 'the contact id'), approved: false });
      context.out(`${contact.display_name} is no longer an approved contact.`);
    },
  },
  'enrollment-code': {
    summary: 'Issue a one-time enrollment code for a kiosk (in a housing unit) or a tablet',
    usage: '--kind kiosk --unit A-Pod   |   --kind tablet',
    options: { kind: text, unit: text },
    async run(context) {
      const kind = oneOf(context.values, 'kind', ['kiosk', 'tablet'] as const);
      const unit = kind === 'kiosk' ? await unitOf(context) : null;
      if (kind === 'tablet' && optionalText(context.values, 'unit') !== undefined) throw new CliUsageError('A tablet is not enrolled into a housing unit: leave out --unit and assign it to a resident after enrolling.');
      const issued = await issueEnrollmentCode(context.hub, { siteId: await context.site(), kind, housingUnitId: unit?.housingUnitId ?? null });
      context.out(`Enrollment code for a ${kind}${unit === null ? '' : ` in ${unit.name}`}: ${issued.code}`);
      context.out(`  Type it on the device in service mode before ${when(issued.expiresAt)}. It works once.`);
    },
  },
  devices: {
    summary: 'List enrolled devices',
    usage: '',
    options: {},
    async run(context) {
      const siteId = await context.site();
      const devices = await listDevices(context.hub.database, siteId);
      const units = new Map((await listHousingUnits(context.hub.database, siteId)).map((unit) => [unit.housingUnitId, unit.name]));
      const residents = new Map((await listResidents(context.hub.database, siteId)).map((resident) => [resident.resident_id, resident.display_name]));
      if (devices.length === 0) context.out('No devices enrolled yet: issue a code with enrollment-code.');
      for (const device of devices) {
        const where =
          device.kind === 'kiosk'
            ? `kiosk in ${units.get(device.housing_unit_id ?? '') ?? '?'}`
            : `tablet ${device.assigned_resident_id === null ? 'not assigned' : `assigned to ${residents.get(device.assigned_resident_id) ?? '?'}`}`;
        const state =
          device.revoked_at === null
            ? 'trusted'
            : `REVOKED ${when(device.revoked_at)} (${device.revoked_reason ?? '?'}${device.wipe_on_contact ? ', wipes itself on contact' : ''}${device.replaced_by_device_id === null ? '' : `, replaced by ${device.replaced_by_device_id}`})`;
        context.out(`${device.device_name}: ${where}, ${count(device.last_mutation_id, 'mutation', 'mutations')} received, ${state}  (id ${device.device_id})`);
      }
    },
  },
  'revoke-device': {
    summary: "Withdraw a device's credential at once (lost, re-enrolled, retired); --wipe makes a lost one wipe itself if it comes back",
    usage: '--device <device id> [--reason lost|reenrolled|retired] [--wipe]',
    options: { device: text, reason: text, wipe: yes },
    async run(context) {
      const deviceId = requiredText(context.values, 'device', 'the device id (see devices)');
      const reason = oneOf(context.values, 'reason', revocationReasons, 'lost');
      const wipe = flag(context.values, 'wipe');
      const outcome = await revokeDevice(context.hub, { siteId: await context.site(), deviceId, reason, wipe });
      if (!outcome.ok) {
        switch (outcome.problem) {
          case 'notFound':
            throw new HubInputError('notFound', `There is no device ${deviceId} at this site (see devices).`);
          case 'alreadyRevoked':
            throw new HubInputError('conflict', `${deviceId} was revoked already${wipe ? ' and is already told to wipe itself' : ''}.`);
          default: {
            const unknownProblem: never = outcome.problem;
            throw new Error(`unknown revocation problem ${String(unknownProblem)}`);
          }
        }
      }
      context.out(`${outcome.device.device_name} (${deviceId}) is revoked (${reason}): its credential opens nothing from now on.`);
      context.out(wipe ? '  If it reaches the hub again it is told to wipe itself, then shows the enrollment screen.' : '  It shows the enrollment screen when it next reaches the hub; enroll it again with a new code to use it.');
    },
  },
  'assign-tablet': {
    summary: 'Assign a tablet to a resident',
    usage: '--device <device id> --resident B1001',
    options: { device: text, resident: text },
    async run(context) {
      const resident = await residentOf(context);
      await assignTablet(context.hub, { deviceId: requiredText(context.values, 'device', 'the tablet id (see devices)'), residentId: resident.resident_id });
      context.out(`The tablet now belongs to ${resident.display_name}; it receives their records on its next sync.`);
    },
  },
  'unassign-tablet': {
    summary: 'Take a tablet back (it forgets its resident on its next sync)',
    usage: '--device <device id>',
    options: { device: text },
    async run(context) {
      await unassignTablet(context.hub, { deviceId: requiredText(context.values, 'device', 'the tablet id (see devices)') });
      context.out('The tablet is no longer assigned; it deletes its resident\'s records on its next sync.');
    },
  },
  'send-family-message': {
    summary: 'Take a message from a family member (it waits for review)',
    usage: '--contact <contact id> --text "..." [--photo a.jpg]... [--ecard card.png]... [--video clip.mp4]... [--return-stamp]',
    options: { contact: text, text, photo: many, ecard: many, video: many, 'return-stamp': yes },
    async run(context) {
      const contact = await getContact(context.hub.database, requiredText(context.values, 'contact', 'the contact id of the sender'));
      const attachments = [
        ...(await attachmentFiles(textList(context.values, 'photo'), 'photo')),
        ...(await attachmentFiles(textList(context.values, 'ecard'), 'ecard')),
        ...(await attachmentFiles(textList(context.values, 'video'), 'video')),
      ];
      const message = await sendFamilyMessage(context.hub, {
        contactId: contact.contact_id,
        body: optionalText(context.values, 'text') ?? '',
        attachments,
        carriesReturnStamp: flag(context.values, 'return-stamp'),
      });
      context.out(`Received a message from ${contact.display_name}${attachments.length === 0 ? '' : ` with ${count(attachments.length, 'attachment', 'attachments')}`}${message.carries_return_stamp ? ' and a return stamp' : ''}. It is waiting for review (message id ${message.message_id}).`);
    },
  },
  'review-queue': {
    summary: 'List messages waiting for review, oldest first',
    usage: '',
    options: {},
    async run(context) {
      const queue = await listReviewQueue(context.hub.database, await context.site());
      if (queue.length === 0) context.out('Nothing is waiting for review.');
      for (const item of queue) {
        const direction = item.direction === 'inbound' ? `From ${item.contactName} to ${item.residentName} (${item.credentialId})` : `From ${item.residentName} (${item.credentialId}) to ${item.contactName}`;
        context.out(`${direction}, received ${when(item.receivedAt)} — message ${item.messageId}`);
        context.out(`  ${count(item.characters, 'character', 'characters')}${item.direction === 'outbound' ? `, ${count(item.stampsCharged, 'stamp', 'stamps')} paid` : ''}:`);
        for (const line of item.body.split('\n')) context.out(`  | ${line}`);
        for (const attachment of item.attachments) context.out(`  + ${attachment.kind} ${attachment.mimeType}, ${bytes(attachment.byteSize)} — attachment ${attachment.attachmentId}`);
      }
    },
  },
  approve: {
    summary: 'Deliver a message; withhold single attachments with --reject-attachment and a --reason',
    usage: '--message <id> [--reject-attachment <attachment id>]... [--reason "..."] [--reviewer "Name"]',
    options: { message: text, 'reject-attachment': many, reason: text, reviewer: text },
    async run(context) {
      const withheld = textList(context.values, 'reject-attachment');
      const reason = withheld.length === 0 ? '' : requiredText(context.values, 'reason', 'why the attachment is withheld, in words the resident will read');
      const message = await reviewMessage(context.hub, {
        decision: 'approve',
        messageId: requiredText(context.values, 'message', 'the message id (see review-queue)'),
        reviewer: optionalText(context.values, 'reviewer') ?? context.reviewer,
        rejectedAttachments: withheld.map((attachmentId) => ({ attachmentId, reason })),
      });
      context.out(`Delivered message ${message.message_id}${withheld.length === 0 ? '' : `, withholding ${count(withheld.length, 'attachment', 'attachments')}`}.`);
    },
  },
  reject: {
    summary: 'Reject a message with a reason (stamps come back if the site says so)',
    usage: '--message <id> --reason "..." [--reviewer "Name"]',
    options: { message: text, reason: text, reviewer: text },
    async run(context) {
      const message = await reviewMessage(context.hub, {
        decision: 'reject',
        messageId: requiredText(context.values, 'message', 'the message id (see review-queue)'),
        reason: requiredText(context.values, 'reason', 'why, in words the resident will read'),
        reviewer: optionalText(context.values, 'reviewer') ?? context.reviewer,
      });
      context.out(`Rejected message ${message.message_id}.${message.stamps_returned > 0 ? ` ${count(message.stamps_returned, 'stamp goes', 'stamps go')} back to the resident.` : ''}`);
    },
  },
  withdraw: {
    summary: 'Take back a family letter already delivered: the devices delete it; sender and resident are told the reason',
    usage: '--message <id> --reason "..." [--reviewer "Name"]',
    options: { message: text, reason: text, reviewer: text },
    async run(context) {
      const message = await withdrawMessage(context.hub, {
        messageId: requiredText(context.values, 'message', 'the id of the delivered letter'),
        reason: requiredText(context.values, 'reason', 'why, in words the resident and the sender will read'),
        reviewer: optionalText(context.values, 'reviewer') ?? context.reviewer,
      });
      context.out(`Withdrew message ${message.message_id}; the resident's devices delete it at their next sync.`);
    },
  },
  'family-notices': {
    summary: 'What family senders were told about their letters (not delivered, withdrawn), oldest first',
    usage: '[--contact <contact id>]',
    options: { contact: text },
    async run(context) {
      const contactId = optionalText(context.values, 'contact');
      const notices = await listFamilyNotices(context.hub.database, await context.site(), contactId);
      if (notices.length === 0) context.out(contactId === undefined ? 'No family sender has been told of a stopped letter.' : 'This sender has not been told of a stopped letter.');
      for (const notice of notices) {
        const what = notice.kind === 'notDelivered' ? 'was not delivered' : 'was withdrawn after delivery';
        context.out(`${when(notice.at)} — to ${notice.contactName} (contact ${notice.contactId}): your letter to ${notice.residentName} ${what} (message ${notice.messageId}).`);
        context.out(`  Reason: ${notice.reason}`);
        context.out(`  ${notice.residentTold ? `${notice.residentName} was told too, without the letter's words.` : `${notice.residentName} was not told (the site's rule).`}`);
      }
    },
  },
  'site-rule': {
    summary: 'Set a site rule the hub keeps: whether residents are told when review stops a letter to them',
    usage: '--notify-resident-of-rejected-mail on|off',
    options: { 'notify-resident-of-rejected-mail': text },
    async run(context) {
      const notify = oneOf(context.values, 'notify-resident-of-rejected-mail', ['on', 'off'] as const) === 'on';
      await setNotifyResidentOfRejectedMail(context.hub, { siteId: await context.site(), notify });
      context.out(notify ? 'Residents are told when review stops a letter to them (sender, reason, never the words).' : 'Residents are no longer told when review stops a letter to them; senders still are.');
    },
  },
  deposit: {
    summary: "Record money deposited to a resident's debit account",
    usage: '--resident B1001 --amount 25.00 --source online|lobbyKiosk|moneyOrder [--reference "MO 1234"]',
    options: { resident: text, amount: text, source: text, reference: text },
    async run(context) {
      // The command line first, the database second: a typo is reported before anything is looked up.
      const amountCents = dollarsToCents(context.values, 'amount');
      const source = oneOf(context.values, 'source', depositSources);
      const reference = optionalText(context.values, 'reference');
      const resident = await residentOf(context);
      const after = await deposit(context.hub, { residentId: resident.resident_id, amountCents, source, ...(reference === undefined ? {} : { reference }) });
      // The amount asked for, not a difference of balances: a purchase at the same moment would make that wrong.
      context.out(`Deposited ${dollars(amountCents)} for ${resident.display_name} (${source}). Balance: ${dollars(after.debit_balance_cents)}.`);
    },
  },
  'transfer-stamps': {
    summary: 'Give a resident stamps a family member bought',
    usage: '--resident B1001 --stamps 10 --from "Maria Diaz"',
    options: { resident: text, stamps: text, from: text },
    async run(context) {
      const stamps = wholeNumber(context.values, 'stamps', 'how many stamps', { min: 1, max: 1000 });
      if (stamps === undefined) throw new CliUsageError('--stamps is required: how many stamps.');
      const resident = await residentOf(context);
      const after = await transferStamps(context.hub, { residentId: resident.resident_id, stamps, from: requiredText(context.values, 'from', 'who sent them') });
      context.out(`${resident.display_name} received ${count(stamps, 'stamp', 'stamps')}; they have ${count(after.stamp_balance, 'stamp', 'stamps')}.`);
    },
  },
  account: {
    summary: "Show a resident's stamps, money and latest ledger entries",
    usage: '--resident B1001',
    options: { resident: text },
    async run(context) {
      const resident = await residentOf(context);
      const audit = await auditLedgers(context.hub.database, resident.resident_id);
      context.out(`${resident.display_name} (${resident.credential_id}): ${count(audit.stampBalance, 'stamp', 'stamps')}, ${dollars(audit.debitBalanceCents)}.`);
      if (!audit.balanced) context.out(`  WARNING: the entries add up to ${audit.stampEntriesSum} stamps and ${dollars(audit.debitEntriesSum)}; tell support.`);
      for (const entry of await listLedgerEntries(context.hub.database, resident.resident_id, 20)) {
        const amount = entry.ledger === 'stamps' ? count(entry.amount, 'stamp', 'stamps') : dollars(entry.amount);
        context.out(`  ${when(entry.createdAt)}  ${entry.amount > 0 ? '+' : ''}${amount}  ${entry.kind}${entry.reference === '' ? '' : ` (${entry.reference})`}`);
      }
    },
  },
  'schedule-visit': {
    summary: 'Schedule a visit the facility approved',
    usage: '--resident B1001 --visitor "Maria Diaz" --kind onSite|remote --starts 2025-06-01T14:00 --minutes 30',
    options: { resident: text, visitor: text, kind: text, starts: text, minutes: text },
    async run(context) {
      const minutes = wholeNumber(context.values, 'minutes', 'how long the visit lasts', { min: 1, max: 600 }) ?? 30;
      const visitorName = requiredText(context.values, 'visitor', "the visitor's name");
      const kind = oneOf(context.values, 'kind', ['onSite', 'remote'] as const);
      const startsAt = dateTime(context.values, 'starts');
      const resident = await residentOf(context);
      const visit = await scheduleVisit(context.hub, { residentId: resident.resident_id, visitorName, kind, startsAt, durationMinutes: minutes });
      context.out(`Scheduled a ${visit.kind === 'onSite' ? 'visit on site' : 'remote visit'} for ${resident.display_name} with ${visit.visitor_name} on ${when(visit.starts_at)}, ${visit.duration_minutes} minutes (visit id ${visit.visit_id}).`);
    },
  },
  'cancel-visit': {
    summary: 'Cancel a scheduled visit',
    usage: '--visit <visit id>',
    options: { visit: text },
    async run(context) {
      const visit = await cancelVisit(context.hub, { visitId: requiredText(context.values, 'visit', 'the visit id schedule-visit printed') });
      context.out(`Cancelled the visit with ${visit.visitor_name} on ${when(visit.starts_at)}.`);
    },
  },
  'verify-audit': {
    summary: "Check devices' audit logs and the hub's own: recompute every hash from the first entry, name the first broken link",
    usage: "[--device <device id>]   (every device of the site with an audit log, and the hub's chain, when left out)",
    options: { device: text },
    async run(context) {
      const deviceId = optionalText(context.values, 'device');
      let devices: { device_id: string; device_name: string }[];
      if (deviceId === undefined) {
        devices = await devicesWithAuditEntries(context.hub.database, await context.site());
        if (devices.length === 0) context.out('No device has pushed an audit entry yet.');
      } else {
        const device = await findAuditDevice(context.hub.database, deviceId);
        if (device === null) throw new HubInputError('notFound', `There is no device ${deviceId} (see devices).`);
        devices = [device];
      }
      let problemFound = false;
      for (const device of devices) {
        const report = await verifyDeviceAuditChain(context.hub.database, device.device_id);
        if (reportAuditChain(device.device_name, report, context.out)) problemFound = true;
      }
      // The hub's own chain (staff proofs, revocations) is checked with every device's, once it holds anything.
      if (deviceId === undefined) {
        const hubChain = await verifyHubAuditChain(context.hub.database);
        if (hubChain.entries > 0 && reportAuditChain('The hub', hubChain, context.out)) problemFound = true;
      }
      return problemFound ? 'problemFound' : 'done';
    },
  },
  rules: {
    summary: "Show the site's stamp and money rules",
    usage: '',
    options: {},
    async run(context) {
      const rules = await getSiteRules(context.hub.database, await context.site());
      context.out(`${rules.siteName}: ${rules.charactersPerStamp} characters a stamp, ${count(rules.stampsPerAttachment, 'stamp', 'stamps')} per attachment, up to ${rules.maxAttachments} attachments of ${bytes(rules.maxAttachmentBytes)}.`);
      context.out(`  Stamps ${rules.refundStampsOnRejection ? 'come back' : 'do not come back'} on rejection. Books: ${rules.stampBooks.map((book) => `${book.stamps} for ${dollars(book.priceCents)}`).join(', ')}.`);
    },
  },
};

const globalOptions: OptionSpec = { data: text, site: text, help: { type: 'boolean', short: 'h' } };

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    'usage: tsx hub/cli.ts <command> [options] [--data <pglite folder>] [--site <site id>]',
    '  DATABASE_URL=postgres://… uses a PostgreSQL server instead of a PGlite folder.',
    '  --site may be left out while the hub has a single site.',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'tsx hub/cli.ts <command> --help shows the options of one command.',
  ].join('\n');
}

function commandUsage(name: string, command: Command): string {
  return `usage: tsx hub/cli.ts ${name} ${command.usage}`.trimEnd();
}

/**
 * Runs one command; resolves to the process exit code (0 done, 1 refused by the hub, 2 bad command line). Every line
 * goes out through visibleText: commands print names, letters and reasons people wrote, and none of it may act on the
 * terminal (an escape sequence in a letter could hide text from the reviewer that the resident then receives).
 */
export async function runCli(args: readonly string[], terminalIo: CliIo): Promise<number> {
  const io: CliIo = { ...terminalIo, out: (line) => terminalIo.out(visibleText(line)), err: (line) => terminalIo.err(visibleText(line)) };
  const name = args.find((arg) => !arg.startsWith('-'));
  if (name === undefined || name === 'help') {
    io.out(usage());
    return name === 'help' || args.includes('--help') || args.includes('-h') ? 0 : 2;
  }
  const command = commands[name];
  if (command === undefined) {
    io.err(`Unknown command "${name}".`);
    io.err(usage());
    return 2;
  }
  let values: OptionValues;
  try {
    const parsed = parseArgs({ args: [...args], options: { ...globalOptions, ...command.options }, strict: true, allowPositionals: true });
    if (parsed.positionals.length !== 1) throw new CliUsageError(`Unexpected argument "${parsed.positionals[1] ?? ''}"; values follow their --option.`);
    values = parsed.values;
  } catch (error) {
    io.err(error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error));
    io.err(commandUsage(name, command));
    return 2;
  }
  if (values.help === true) {
    io.out(`${command.summary}.\n${commandUsage(name, command)}`);
    return 0;
  }

  let database = io.database;
  try {
    if (database === undefined) {
      const dataDir = optionalText(values, 'data');
      const databaseUrl = io.env.DATABASE_URL;
      if (dataDir === undefined && (databaseUrl === undefined || databaseUrl === '')) throw new CliUsageError('Say where the hub keeps its data: --data <folder> (PGlite) or DATABASE_URL=postgres://… (a PostgreSQL server).');
      database = await openHubDatabase({ ...(dataDir === undefined ? {} : { dataDir }), ...(databaseUrl === undefined || databaseUrl === '' ? {} : { databaseUrl }) });
    }
    const hub = hubContext(database, { ...(io.now === undefined ? {} : { now: io.now }), ...(io.pinCost === undefined ? {} : { pinCost: io.pinCost }) });
    const chosenSite = optionalText(values, 'site');
    const site = async (): Promise<string> => {
      const sites = await listSites(hub.database);
      if (chosenSite !== undefined) {
        if (!sites.some((candidate) => candidate.siteId === chosenSite)) throw new CliUsageError(`There is no site ${chosenSite}.`);
        return chosenSite;
      }
      if (sites.length === 1 && sites[0] !== undefined) return sites[0].siteId;
      if (sites.length === 0) throw new CliUsageError('There is no site yet: run create-site first.');
      throw new CliUsageError(`This hub has several sites; choose one with --site: ${sites.map((candidate) => `${candidate.name} (${candidate.siteId})`).join(', ')}.`);
    };
    const outcome = await command.run({ hub, values, out: io.out, reviewer: io.env.USER ?? io.env.LOGNAME ?? 'hub console', site });
    return outcome === 'problemFound' ? 1 : 0;
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(error.message);
      io.err(commandUsage(name, command));
      return 2;
    }
    if (error instanceof HubInputError) {
      io.err(error.message);
      return 1;
    }
    io.err(`The hub could not do this: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    if (io.database === undefined && database !== undefined) await database.close();
  }
}
