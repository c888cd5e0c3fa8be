// The hub's commands for the other side of the glass: set up a site, book residents in and out, approve contacts,
// hand out enrollment codes, take family messages, review, take deposits, schedule visits, assign tablets. Each is
// declared once here (hub/commands/registry.ts says how) and serves both the command line and the console route.
// Every command prints what happened in words; options are checked by their schema before anything is looked up.
import { readFile } from 'node:fs/promises';
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
  CaptionsRefused,
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
  type SiteRules,
} from '../services/index';
import {
  accountStatement,
  addStampPriceBookVersion,
  addVisitRoom,
  listStampPriceBooks,
  listVisitRooms,
  reverseLedgerEntry,
  getSiteLanguages,
  setSiteLanguages,
  setSiteTimeZone,
  siteTimeZone,
  statementCsv,
  statementPdf,
  visitDay,
  visitKindWords,
} from '../services/index';
import { writeFile } from 'node:fs/promises';
import { describeOpeningHours } from '../../rules/visit-hours';
import { baseLanguage } from '../../rules/language';
import { captionProblemText, captionWords } from '../protocol/index';
import { localDateTimeText } from '../../rules/zoned-time';
import { createConsoleAccount, staffRoles } from '../services/console-accounts';
import { setResidentLanguage } from '../services/resident-language';
import { activeSuspension, liftSuspension, suspendMessaging } from '../services/suspensions';
import { maxRetentionDays, purgeReviewedMail, reviewedMailRetention, setReviewedMailRetention } from '../services/mail-retention';
import { CommandUsageError } from './errors';
import { bytes, count, dollars, when } from './format';
import {
  dateTime,
  dollarsAsCents,
  flag,
  languageTagOr,
  oneOf,
  oneOfOr,
  optionalText,
  optionalWholeNumber,
  requiredText,
  requiredWholeNumber,
  stampBooks,
  textList,
  weeklyHours,
} from './options';
import { defineCommand, describeOptions, type CommandContext, type HubCommand, type OptionDescription } from './registry';

const residentOption = () => requiredText('B1001', 'the resident id or booking number');
const unitOption = () => requiredText('A-Pod', 'the housing unit, by name or id');
const reviewerOption = () => optionalText('"Name"', 'who signs the decision (the login name at the console when left out)');

async function residentOf(context: CommandContext, reference: string) {
  return findResident(context.hub.database, await context.site(), reference);
}

async function unitOf(context: CommandContext, reference: string) {
  return findHousingUnit(context.hub.database, await context.site(), reference);
}

/** The housing units named by --unit (by name or id), in the order given. */
async function unitsOf(context: CommandContext, siteId: string, references: readonly string[]) {
  return Promise.all(references.map((reference) => findHousingUnit(context.hub.database, siteId, reference)));
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
        throw new CommandUsageError('unreadableFile', `Cannot read the ${kind} file ${path}.`, [kind]);
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
        out(
          `${device}: BROKEN at seq ${problem.seq}: prev_hash mismatch — it does not link to ${problem.seq === 1 ? 'the start of the chain' : `entry ${problem.seq - 1}'s hash`}. ${before}`,
        );
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

export const hubCommands: readonly HubCommand[] = [
  defineCommand({
    name: 'create-admin',
    summary: 'Create a facility console account with a temporary password (an admin of every site by default)',
    options: {
      username: requiredText('dana.ortiz', 'the name they sign in with: letters, digits, dots, dashes'),
      name: requiredText('"Dana Ortiz"', 'their name as the console and the audit chain show it'),
      role: oneOfOr(staffRoles, 'admin', 'what they do at the console'),
      forSite: flag('only the chosen site (--site, or the only one); an admin without it sees every site'),
    },
    async run(options, context) {
      const siteId = options.role === 'admin' && !options.forSite ? null : await context.site();
      const created = await createConsoleAccount(context.hub, { username: options.username, displayName: options.name, role: options.role, siteId });
      context.out(
        `Created console account ${created.account.username} (${created.account.displayName}, ${created.account.role}${siteId === null ? ', every site' : ''}).`,
      );
      context.out(`Temporary password: ${created.temporaryPassword}`);
      context.out('It is shown only this once. Sign in at <hub address>/console; the console asks for a new password at once.');
    },
  }),
  defineCommand({
    name: 'create-site',
    summary: 'Create a site (a facility) with its stamp and money rules',
    options: {
      name: requiredText('"Hill County Jail"', 'the facility name'),
      charactersPerStamp: optionalWholeNumber({ description: 'characters a stamp pays for', min: 100, max: 100_000, example: '2000' }),
      stampsPerAttachment: optionalWholeNumber({ description: 'stamps per attachment', min: 0, max: 10, example: '1' }),
      maxAttachments: optionalWholeNumber({ description: 'attachments per message', min: 0, max: 10, example: '5' }),
      maxAttachmentKb: optionalWholeNumber({ description: 'kilobytes per attachment', min: 1, max: 16_384, example: '3072' }),
      noRefund: flag('stamps do not come back when review rejects a message'),
      books: stampBooks('the books of stamps residents can buy, as stamps:priceInCents'),
    },
    async run(options, { hub, out }) {
      // Only the rules given on the command line; the rest keep the defaults (defaultSiteRules).
      const rules: Partial<SiteRules> = {};
      if (options.charactersPerStamp !== undefined) rules.charactersPerStamp = options.charactersPerStamp;
      if (options.stampsPerAttachment !== undefined) rules.stampsPerAttachment = options.stampsPerAttachment;
      if (options.maxAttachments !== undefined) rules.maxAttachments = options.maxAttachments;
      if (options.maxAttachmentKb !== undefined) rules.maxAttachmentBytes = options.maxAttachmentKb * 1024;
      if (options.noRefund) rules.refundStampsOnRejection = false;
      if (options.books !== undefined) rules.stampBooks = options.books;
      const site = await createSite(hub, { name: options.name, rules });
      out(`Created site ${site.siteName} (site id ${site.siteId}).`);
      out(
        `  A stamp pays for ${site.charactersPerStamp} characters; each attachment costs ${count(site.stampsPerAttachment, 'more stamp', 'more stamps')}; up to ${site.maxAttachments} attachments of ${bytes(site.maxAttachmentBytes)}.`,
      );
      out(`  Stamps ${site.refundStampsOnRejection ? 'come back' : 'do not come back'} when review rejects a message.`);
      out(`  Books: ${site.stampBooks.map((book) => `${book.stamps} stamps for ${dollars(book.priceCents)}`).join(', ')}.`);
    },
  }),
  defineCommand({
    name: 'add-unit',
    summary: 'Add a housing unit',
    options: { name: requiredText('"A-Pod"', 'the housing unit name') },
    async run(options, context) {
      const unit = await addHousingUnit(context.hub, { siteId: await context.site(), name: options.name });
      context.out(`Added housing unit ${unit.name} (id ${unit.housingUnitId}).`);
    },
  }),
  defineCommand({
    name: 'units',
    summary: 'List the housing units',
    options: {},
    async run(_options, context) {
      const units = await listHousingUnits(context.hub.database, await context.site());
      if (units.length === 0) context.out('No housing units yet: add one with add-unit.');
      for (const unit of units) context.out(`${unit.name}  (id ${unit.housingUnitId})`);
    },
  }),
  defineCommand({
    name: 'add-resident',
    summary: 'Book a resident in, with their PIN',
    options: {
      unit: unitOption(),
      credential: requiredText('B1001', 'the booking number or ID the card carries'),
      name: requiredText('"Ana Diaz"', "the resident's name"),
      pin: requiredText('4821', 'a PIN of 4 to 8 digits'),
      language: languageTagOr('en', 'the language the screens speak to them in, any the site offers'),
    },
    async run(options, context) {
      const unit = await unitOf(context, options.unit);
      const resident = await addResident(context.hub, {
        housingUnitId: unit.housingUnitId,
        credentialId: options.credential,
        displayName: options.name,
        pin: options.pin,
        language: options.language,
      });
      context.out(`Booked ${resident.display_name} (${resident.credential_id}) into ${unit.name}. Resident id: ${resident.resident_id}.`);
    },
  }),
  defineCommand({
    name: 'move-resident',
    summary: 'Move a resident to another housing unit',
    options: { resident: residentOption(), unit: requiredText('B-Pod', 'the housing unit, by name or id') },
    async run(options, context) {
      const resident = await residentOf(context, options.resident);
      const unit = await unitOf(context, options.unit);
      await moveResident(context.hub, { residentId: resident.resident_id, housingUnitId: unit.housingUnitId });
      context.out(`Moved ${resident.display_name} to ${unit.name}. The kiosks there receive their records; the old unit's kiosks forget them.`);
    },
  }),
  defineCommand({
    name: 'release-resident',
    summary: 'Release a resident (every device forgets them; their tablet is unassigned)',
    options: { resident: residentOption() },
    async run(options, context) {
      const resident = await residentOf(context, options.resident);
      await releaseResident(context.hub, { residentId: resident.resident_id });
      context.out(`Released ${resident.display_name}.`);
    },
  }),
  defineCommand({
    name: 'resident-language',
    summary: "Set the language a resident's screens speak to them in (until they choose another on a device)",
    options: { resident: residentOption(), language: requiredText('vi', 'a language tag such as es, vi, zh-Hans or ar') },
    async run(options, context) {
      const resident = await residentOf(context, options.resident);
      const after = await setResidentLanguage(context.hub, { residentId: resident.resident_id, language: options.language });
      context.out(
        `${after.display_name} now reads in ${after.language}. Their devices take it at their next sync; a choice they make on a device later replaces it.`,
      );
    },
  }),
  defineCommand({
    name: 'residents',
    summary: 'List residents with their housing unit and balances',
    options: {},
    async run(_options, context) {
      const residents = await listResidents(context.hub.database, await context.site());
      if (residents.length === 0) context.out('No residents yet: book one in with add-resident.');
      for (const resident of residents) {
        const where = resident.status === 'active' ? `in ${resident.housing_unit_name ?? '?'}` : 'released';
        context.out(
          `${resident.display_name} (${resident.credential_id}), ${where}: ${count(resident.stamp_balance, 'stamp', 'stamps')}, ${dollars(resident.debit_balance_cents)}  (id ${resident.resident_id})`,
        );
      }
    },
  }),
  defineCommand({
    name: 'add-staff',
    summary: 'Add a staff member who services devices (in the units they work in; site-wide without --unit)',
    options: {
      name: requiredText('"Officer Grant"', "the staff member's name"),
      badge: requiredText('STAFF-77', 'the badge id as the reader reads it'),
      pin: requiredText('9876', 'a PIN of 4 to 8 digits'),
      unit: textList('A-Pod', 'a housing unit they work in, by name or id (repeat for more; every unit when left out)'),
    },
    async run(options, context) {
      const siteId = await context.site();
      const units = await unitsOf(context, siteId, options.unit);
      const staff = await addStaff(context.hub, {
        siteId,
        displayName: options.name,
        badgeId: options.badge,
        pin: options.pin,
        housingUnitIds: units.map((unit) => unit.housingUnitId),
      });
      context.out(`Added staff member ${staff.display_name} (id ${staff.staff_id}); ${staffReach(units.map((unit) => unit.name))}`);
    },
  }),
  defineCommand({
    name: 'set-staff-units',
    summary: 'Change the housing units a staff member works in; devices leaving their reach delete their badge and PIN',
    options: {
      staff: requiredText('<staff id>', 'the staff id'),
      unit: textList('A-Pod', 'a housing unit they work in, by name or id (repeat for more)'),
      siteWide: flag('they work on every device of the site (instead of --unit)'),
    },
    note: 'Give either --unit (once or more) or --site-wide.',
    async run(options, context) {
      // Both or neither is a slip of the hand; say which one was meant rather than guess.
      if (options.siteWide === options.unit.length > 0)
        throw new CommandUsageError('badOptionValue', 'Give the units they work in with --unit, or --site-wide for every device of the site (not both).', [
          'unit',
        ]);
      const units = await unitsOf(context, await context.site(), options.unit);
      const { staff } = await setStaffUnits(context.hub, { staffId: options.staff, housingUnitIds: units.map((unit) => unit.housingUnitId) });
      context.out(`${staff.display_name}: ${staffReach(units.map((unit) => unit.name))}`);
    },
  }),
  defineCommand({
    name: 'lockout',
    summary: "Show a resident's wrong-PIN count and lockout, counted across all their devices",
    options: { resident: residentOption() },
    async run(options, context) {
      const resident = await residentOf(context, options.resident);
      const lockout = await residentLockout(context.hub.database, resident.resident_id);
      if (lockout === null) throw new Error(`resident ${resident.resident_id} vanished`);
      const name = `${resident.display_name} (${resident.credential_id})`;
      if (lockout.lockedUntil !== null && lockout.lockedUntil > context.hub.now())
        context.out(`${name} is locked out until ${when(lockout.lockedUntil)} (lockout ${lockout.lockouts} in a row).`);
      else context.out(`${name} is not locked out: ${count(lockout.failedAttempts, 'wrong PIN', 'wrong PINs')} since the last sign-in or lockout.`);
      if (lockout.clearedAt !== null) context.out(`Last cleared by staff at ${when(lockout.clearedAt)}.`);
    },
  }),
  defineCommand({
    name: 'clear-lockout',
    summary: "Clear a resident's lockout on all their devices (audited on the hub's chain)",
    options: { resident: residentOption(), operator: optionalText('"Name"', 'who cleared it (the login name at the console when left out)') },
    async run(options, context) {
      const resident = await residentOf(context, options.resident);
      const { was } = await clearLockout(context.hub, { residentId: resident.resident_id, operator: options.operator ?? context.reviewer });
      const name = `${resident.display_name} (${resident.credential_id})`;
      const wasLocked = was.lockedUntil !== null && was.lockedUntil > context.hub.now();
      context.out(
        `${name}: lockout cleared${wasLocked ? '' : ' (they were not locked out)'}; their devices let them try their PIN again after their next sync.`,
      );
    },
  }),
  defineCommand({
    name: 'pause-messaging',
    summary: "Pause a resident's messaging until a date, with a reason their screens show them (the console's Pauses page does the same)",
    options: {
      resident: residentOption(),
      until: dateTime("when the pause ends: the hub's local time, or with an offset (2025-07-01T00:00-05:00)"),
      reason: requiredText('"Misuse of messaging, incident 2291."', 'why, in words the resident will read on their home and compose screens'),
    },
    async run(options, context) {
      const resident = await residentOf(context, options.resident);
      const pause = await suspendMessaging(context.hub, {
        residentId: resident.resident_id,
        endsAt: options.until,
        reason: options.reason,
        suspendedBy: context.reviewer,
      });
      context.out(
        `Paused ${resident.display_name}'s messaging until ${when(pause.endsAt)}. Their devices say why at their next sync; lift it early with lift-pause.`,
      );
    },
  }),
  defineCommand({
    name: 'lift-pause',
    summary: "Lift the pause on a resident's messaging before it ends",
    options: { resident: residentOption() },
    async run(options, context) {
      const resident = await residentOf(context, options.resident);
      const holding = await activeSuspension(context.hub.database, resident.resident_id, context.hub.now());
      if (holding === null) throw new HubInputError('conflict', `${resident.display_name}'s messaging is not paused.`);
      await liftSuspension(context.hub, { suspensionId: holding.suspensionId, liftedBy: context.reviewer });
      context.out(`Lifted the pause on ${resident.display_name}'s messaging; their devices let them write again after their next sync.`);
    },
  }),
  defineCommand({
    name: 'add-contact',
    summary: "Add a contact to a resident's list (approve it now with --approved)",
    options: {
      resident: residentOption(),
      name: requiredText('"Maria Diaz"', "the contact's name"),
      relationship: optionalText('mother', 'how they are related to the resident'),
      approved: flag('approve the contact now'),
    },
    async run(options, context) {
      const resident = await residentOf(context, options.resident);
      const contact = await addContact(context.hub, {
        residentId: resident.resident_id,
        displayName: options.name,
        relationship: options.relationship ?? '',
        approved: options.approved,
      });
      context.out(
        `Added ${contact.display_name} to ${resident.display_name}'s contacts, ${contact.approved ? 'approved' : 'waiting for approval'}. Contact id: ${contact.contact_id}.`,
      );
    },
  }),
  defineCommand({
    name: 'contacts',
    summary: "List a resident's contacts with their ids",
    options: { resident: residentOption() },
    async run(options, context) {
      const resident = await residentOf(context, options.resident);
      const contacts = await listContacts(context.hub.database, resident.resident_id);
      if (contacts.length === 0) context.out(`${resident.display_name} has no contacts yet: add one with add-contact.`);
      for (const contact of contacts) {
        context.out(
          `${contact.display_name}${contact.relationship === '' ? '' : ` (${contact.relationship})`}, ${contact.approved ? 'approved' : 'not approved'}  (id ${contact.contact_id})`,
        );
      }
    },
  }),
  defineCommand({
    name: 'approve-contact',
    summary: 'Approve a contact',
    options: { contact: requiredText('<contact id>', 'the contact id') },
    async run(options, context) {
      const contact = await setContactApproval(context.hub, { contactId: options.contact, approved: true });
      context.out(`${contact.display_name} is now an approved contact.`);
    },
  }),
  defineCommand({
    name: 'unapprove-contact',
    summary: 'Withdraw the approval of a contact',
    options: { contact: requiredText('<contact id>', 'the contact id') },
    async run(options, context) {
      const contact = await setContactApproval(context.hub, { contactId: options.contact, approved: false });
      context.out(`${contact.display_name} is no longer an approved contact.`);
    },
  }),
  defineCommand({
    name: 'enrollment-code',
    summary: 'Issue a one-time enrollment code for a kiosk (in a housing unit) or a tablet',
    options: {
      kind: oneOf(['kiosk', 'tablet'] as const, 'what the device is'),
      unit: optionalText('A-Pod', "the kiosk's housing unit, by name or id (a kiosk only)"),
    },
    note: 'A kiosk needs --unit; a tablet takes none (it is assigned to a resident after enrolling).',
    async run(options, context) {
      if (options.kind === 'kiosk' && options.unit === undefined)
        throw new CommandUsageError('missingOption', '--unit is required: the housing unit, by name or id.', ['unit']);
      if (options.kind === 'tablet' && options.unit !== undefined)
        throw new CommandUsageError(
          'badOptionValue',
          'A tablet is not enrolled into a housing unit: leave out --unit and assign it to a resident after enrolling.',
          ['unit'],
        );
      const unit = options.unit === undefined ? null : await unitOf(context, options.unit);
      const issued = await issueEnrollmentCode(context.hub, { siteId: await context.site(), kind: options.kind, housingUnitId: unit?.housingUnitId ?? null });
      context.out(`Enrollment code for a ${options.kind}${unit === null ? '' : ` in ${unit.name}`}: ${issued.code}`);
      context.out(`  Type it on the device in service mode before ${when(issued.expiresAt)}. It works once.`);
    },
  }),
  defineCommand({
    name: 'devices',
    summary: 'List enrolled devices',
    options: {},
    async run(_options, context) {
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
  }),
  defineCommand({
    name: 'revoke-device',
    summary: "Withdraw a device's credential at once (lost, re-enrolled, retired); --wipe makes a lost one wipe itself if it comes back",
    options: {
      device: requiredText('<device id>', 'the device id (see devices)'),
      reason: oneOfOr(revocationReasons, 'lost', 'why it is revoked'),
      wipe: flag('if it reaches the hub again it is told to wipe itself'),
    },
    async run(options, context) {
      const { device: deviceId, reason, wipe } = options;
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
      context.out(
        wipe
          ? '  If it reaches the hub again it is told to wipe itself, then shows the enrollment screen.'
          : '  It shows the enrollment screen when it next reaches the hub; enroll it again with a new code to use it.',
      );
    },
  }),
  defineCommand({
    name: 'assign-tablet',
    summary: 'Assign a tablet to a resident',
    options: { device: requiredText('<device id>', 'the tablet id (see devices)'), resident: residentOption() },
    async run(options, context) {
      const resident = await residentOf(context, options.resident);
      await assignTablet(context.hub, { deviceId: options.device, residentId: resident.resident_id });
      context.out(`The tablet now belongs to ${resident.display_name}; it receives their records on its next sync.`);
    },
  }),
  defineCommand({
    name: 'unassign-tablet',
    summary: 'Take a tablet back (it forgets its resident on its next sync)',
    options: { device: requiredText('<device id>', 'the tablet id (see devices)') },
    async run(options, context) {
      await unassignTablet(context.hub, { deviceId: options.device });
      context.out("The tablet is no longer assigned; it deletes its resident's records on its next sync.");
    },
  }),
  defineCommand({
    name: 'send-family-message',
    summary: 'Take a message from a family member (it waits for review)',
    options: {
      contact: requiredText('<contact id>', 'the contact id of the sender'),
      text: optionalText('"..."', 'the letter'),
      photo: textList('a.jpg', 'a photo file to attach (repeat for more)'),
      ecard: textList('card.png', 'an e-card file to attach (repeat for more)'),
      video: textList('clip.mp4', 'a video file to attach (repeat for more)'),
      captions: textList('clip.vtt', 'a WebVTT caption file for the video given in the same place (the first for the first --video, and so on)'),
      captionsLanguage: optionalText('es', "the language of the caption files (the site's default language when left out)"),
      returnStamp: flag('the sender paid for a stamp the resident can answer with'),
    },
    async run(options, context) {
      const contact = await getContact(context.hub.database, options.contact);
      if (options.captions.length > options.video.length)
        throw new CaptionsRefused(
          'withoutVideo',
          `${captionProblemText('withoutVideo')} (${count(options.captions.length, 'caption file', 'caption files')}, ${count(options.video.length, 'video', 'videos')})`,
        );
      const captionsLanguage =
        options.captions.length === 0
          ? baseLanguage
          : (options.captionsLanguage ?? (await getSiteLanguages(context.hub.database, await context.site()))?.default ?? baseLanguage);
      const videos = await attachmentFiles(options.video, 'video');
      const captions = await Promise.all(
        options.captions.map(async (path) => {
          try {
            return await readFile(path);
          } catch {
            throw new CommandUsageError('unreadableFile', `Cannot read the caption file ${path}.`, ['captions']);
          }
        }),
      );
      const attachments = [
        ...(await attachmentFiles(options.photo, 'photo')),
        ...(await attachmentFiles(options.ecard, 'ecard')),
        ...videos.map((video, index) => {
          const captionFile = captions[index];
          return captionFile === undefined ? video : { ...video, captions: [{ language: captionsLanguage, bytes: captionFile }] };
        }),
      ];
      const message = await sendFamilyMessage(context.hub, {
        contactId: contact.contact_id,
        body: options.text ?? '',
        attachments,
        carriesReturnStamp: options.returnStamp,
      });
      context.out(
        `Received a message from ${contact.display_name}${attachments.length === 0 ? '' : ` with ${count(attachments.length, 'attachment', 'attachments')}`}${captions.length === 0 ? '' : ` (${count(captions.length, 'video', 'videos')} with captions in ${captionsLanguage})`}${message.carries_return_stamp ? ' and a return stamp' : ''}. It is waiting for review (message id ${message.message_id}).`,
      );
    },
  }),
  defineCommand({
    name: 'review-queue',
    summary: 'List messages waiting for review, oldest first',
    options: {},
    async run(_options, context) {
      const queue = await listReviewQueue(context.hub.database, await context.site());
      if (queue.length === 0) context.out('Nothing is waiting for review.');
      for (const item of queue) {
        const direction =
          item.direction === 'inbound'
            ? `From ${item.contactName} to ${item.residentName} (${item.credentialId})`
            : `From ${item.residentName} (${item.credentialId}) to ${item.contactName}`;
        context.out(`${direction}, received ${when(item.receivedAt)} — message ${item.messageId}`);
        context.out(
          `  ${count(item.characters, 'character', 'characters')}${item.direction === 'outbound' ? `, ${count(item.stampsCharged, 'stamp', 'stamps')} paid` : ''}:`,
        );
        for (const line of item.body.split('\n')) context.out(`  | ${line}`);
        for (const attachment of item.attachments) {
          context.out(`  + ${attachment.kind} ${attachment.mimeType}, ${bytes(attachment.byteSize)} — attachment ${attachment.attachmentId}`);
          // The captions' words are reviewed with the video: the resident reads them on the screen.
          for (const track of attachment.captions) {
            context.out(`    captions (${track.language}):`);
            for (const line of captionWords(track.text)) context.out(`    | ${line}`);
          }
        }
      }
    },
  }),
  defineCommand({
    name: 'approve',
    summary: 'Deliver a message; withhold single attachments with --reject-attachment and a --reason',
    options: {
      message: requiredText('<id>', 'the message id (see review-queue)'),
      rejectAttachment: textList('<attachment id>', 'an attachment to withhold (repeat for more)'),
      reason: optionalText('"..."', 'why the attachment is withheld, in words the resident will read'),
      reviewer: reviewerOption(),
    },
    note: 'Withholding an attachment needs --reason.',
    async run(options, context) {
      const withheld = options.rejectAttachment;
      if (withheld.length > 0 && options.reason === undefined)
        throw new CommandUsageError('missingOption', '--reason is required: why the attachment is withheld, in words the resident will read.', ['reason']);
      const reason = withheld.length === 0 ? '' : (options.reason ?? '');
      const message = await reviewMessage(context.hub, {
        decision: 'approve',
        messageId: options.message,
        reviewer: options.reviewer ?? context.reviewer,
        rejectedAttachments: withheld.map((attachmentId) => ({ attachmentId, reason })),
      });
      context.out(
        `Delivered message ${message.message_id}${withheld.length === 0 ? '' : `, withholding ${count(withheld.length, 'attachment', 'attachments')}`}.`,
      );
    },
  }),
  defineCommand({
    name: 'reject',
    summary: 'Reject a message with a reason (stamps come back if the site says so)',
    options: {
      message: requiredText('<id>', 'the message id (see review-queue)'),
      reason: requiredText('"..."', 'why, in words the resident will read'),
      reviewer: reviewerOption(),
    },
    async run(options, context) {
      const message = await reviewMessage(context.hub, {
        decision: 'reject',
        messageId: options.message,
        reason: options.reason,
        reviewer: options.reviewer ?? context.reviewer,
      });
      context.out(
        `Rejected message ${message.message_id}.${message.stamps_returned > 0 ? ` ${count(message.stamps_returned, 'stamp goes', 'stamps go')} back to the resident.` : ''}`,
      );
    },
  }),
  defineCommand({
    name: 'withdraw',
    summary: 'Take back a family letter already delivered: the devices delete it; sender and resident are told the reason',
    options: {
      message: requiredText('<id>', 'the id of the delivered letter'),
      reason: requiredText('"..."', 'why, in words the resident and the sender will read'),
      reviewer: reviewerOption(),
    },
    async run(options, context) {
      const message = await withdrawMessage(context.hub, {
        messageId: options.message,
        reason: options.reason,
        reviewer: options.reviewer ?? context.reviewer,
      });
      context.out(`Withdrew message ${message.message_id}; the resident's devices delete it at their next sync.`);
    },
  }),
  defineCommand({
    name: 'family-notices',
    summary: 'What family senders were told about their letters (not delivered, withdrawn), oldest first',
    options: { contact: optionalText('<contact id>', 'only what this sender was told') },
    async run(options, context) {
      const contactId = options.contact;
      const notices = await listFamilyNotices(context.hub.database, await context.site(), contactId);
      if (notices.length === 0)
        context.out(contactId === undefined ? 'No family sender has been told of a stopped letter.' : 'This sender has not been told of a stopped letter.');
      for (const notice of notices) {
        const what = notice.kind === 'notDelivered' ? 'was not delivered' : 'was withdrawn after delivery';
        context.out(
          `${when(notice.at)} — to ${notice.contactName} (contact ${notice.contactId}): your letter to ${notice.residentName} ${what} (message ${notice.messageId}).`,
        );
        context.out(`  Reason: ${notice.reason}`);
        context.out(
          `  ${notice.residentTold ? `${notice.residentName} was told too, without the letter's words.` : `${notice.residentName} was not told (the site's rule).`}`,
        );
      }
    },
  }),
  defineCommand({
    name: 'site-rule',
    summary: 'Set a site rule the hub keeps: whether residents are told when review stops a letter to them',
    options: { notifyResidentOfRejectedMail: oneOf(['on', 'off'] as const, 'whether residents are told when review stops a letter to them') },
    async run(options, context) {
      const notify = options.notifyResidentOfRejectedMail === 'on';
      await setNotifyResidentOfRejectedMail(context.hub, { siteId: await context.site(), notify });
      context.out(
        notify
          ? 'Residents are told when review stops a letter to them (sender, reason, never the words).'
          : 'Residents are no longer told when review stops a letter to them; senders still are.',
      );
    },
  }),
  defineCommand({
    name: 'deposit',
    summary: "Record money deposited to a resident's debit account",
    options: {
      resident: residentOption(),
      amount: dollarsAsCents('how much, in dollars'),
      source: oneOf(depositSources, 'where the money came from'),
      reference: optionalText('"MO 1234"', 'the money order number or payment reference'),
    },
    async run(options, context) {
      const { amount: amountCents, source, reference } = options;
      const resident = await residentOf(context, options.resident);
      const after = await deposit(context.hub, {
        residentId: resident.resident_id,
        amountCents,
        source,
        recordedBy: context.reviewer,
        ...(reference === undefined ? {} : { reference }),
      });
      // The amount asked for, not a difference of balances: a purchase at the same moment would make that wrong.
      context.out(`Deposited ${dollars(amountCents)} for ${resident.display_name} (${source}). Balance: ${dollars(after.debit_balance_cents)}.`);
    },
  }),
  defineCommand({
    name: 'transfer-stamps',
    summary: 'Give a resident stamps a family member bought',
    options: {
      resident: residentOption(),
      stamps: requiredWholeNumber({ description: 'how many stamps', min: 1, max: 1000, example: '10' }),
      from: requiredText('"Maria Diaz"', 'who sent them'),
    },
    async run(options, context) {
      const resident = await residentOf(context, options.resident);
      const after = await transferStamps(context.hub, { residentId: resident.resident_id, stamps: options.stamps, from: options.from });
      context.out(`${resident.display_name} received ${count(options.stamps, 'stamp', 'stamps')}; they have ${count(after.stamp_balance, 'stamp', 'stamps')}.`);
    },
  }),
  defineCommand({
    name: 'account',
    summary: "Show a resident's stamps, money and latest ledger entries",
    options: { resident: residentOption() },
    async run(options, context) {
      const resident = await residentOf(context, options.resident);
      const audit = await auditLedgers(context.hub.database, resident.resident_id);
      context.out(
        `${resident.display_name} (${resident.credential_id}): ${count(audit.stampBalance, 'stamp', 'stamps')}, ${dollars(audit.debitBalanceCents)}.`,
      );
      if (!audit.balanced) context.out(`  WARNING: the entries add up to ${audit.stampEntriesSum} stamps and ${dollars(audit.debitEntriesSum)}; tell support.`);
      for (const entry of await listLedgerEntries(context.hub.database, resident.resident_id, 20)) {
        const amount = entry.ledger === 'stamps' ? count(entry.amount, 'stamp', 'stamps') : dollars(entry.amount);
        context.out(
          `  ${when(entry.createdAt)}  ${entry.amount > 0 ? '+' : ''}${amount}  ${entry.kind}${entry.reference === '' ? '' : ` (${entry.reference})`}`,
        );
      }
    },
  }),
  defineCommand({
    name: 'schedule-visit',
    summary: 'Schedule a visit the facility approved',
    options: {
      resident: residentOption(),
      visitor: requiredText('"Maria Diaz"', "the visitor's name"),
      kind: oneOf(['onSite', 'remote'] as const, 'on site or by video'),
      starts: dateTime("when it starts: the hub's local time, or with an offset (2025-06-01T14:00-05:00)"),
      minutes: optionalWholeNumber({ description: 'how long the visit lasts', min: 1, max: 600, example: '30' }),
      room: optionalText('"Room 1"', 'the visiting room, by name or id (see visit-rooms): refused when it is closed or taken then'),
    },
    async run(options, context) {
      const resident = await residentOf(context, options.resident);
      const roomReference = options.room;
      const room =
        roomReference === undefined
          ? undefined
          : (await listVisitRooms(context.hub.database, await context.site())).find(
              (candidate) => candidate.roomId === roomReference || candidate.name === roomReference,
            );
      if (roomReference !== undefined && room === undefined)
        throw new HubInputError('notFound', `There is no visiting room "${roomReference}" at this site (see visit-rooms).`);
      const visit = await scheduleVisit(context.hub, {
        residentId: resident.resident_id,
        visitorName: options.visitor,
        kind: options.kind,
        startsAt: options.starts,
        durationMinutes: options.minutes ?? 30,
        scheduledBy: context.reviewer,
        ...(room === undefined ? {} : { roomId: room.roomId }),
      });
      context.out(
        `Scheduled a ${visit.kind === 'onSite' ? 'visit on site' : 'remote visit'} for ${resident.display_name} with ${visit.visitor_name} on ${when(visit.starts_at)}, ${visit.duration_minutes} minutes (visit id ${visit.visit_id}).`,
      );
    },
  }),
  defineCommand({
    name: 'cancel-visit',
    summary: 'Cancel a scheduled visit (the reason reaches the resident’s screen)',
    options: {
      visit: requiredText('<visit id>', 'the visit id schedule-visit printed'),
      reason: optionalText('"The unit is on lockdown."', 'why, in words the resident will read on their Visits screen'),
    },
    async run(options, context) {
      const visit = await cancelVisit(context.hub, {
        visitId: options.visit,
        cancelledBy: context.reviewer,
        ...(options.reason === undefined ? {} : { reason: options.reason }),
      });
      context.out(`Cancelled the visit with ${visit.visitor_name} on ${when(visit.starts_at)}.`);
    },
  }),
  defineCommand({
    name: 'correct-entry',
    summary: 'Correct a ledger entry by a reversing entry with a reason (never an edit); refused once the money or stamps are spent',
    options: {
      ledger: oneOf(['money', 'stamps'] as const, 'which ledger the entry is on'),
      entry: requiredText('<entry id>', 'the entry to reverse (see statement)'),
      reason: requiredText('"Entered for the wrong person."', 'what was wrong with the entry'),
    },
    async run(options, context) {
      const { resident, correctionAmount } = await reverseLedgerEntry(context.hub, {
        ledger: options.ledger === 'money' ? 'debit' : 'stamps',
        entryId: options.entry,
        reason: options.reason,
        recordedBy: context.reviewer,
      });
      const moved = options.ledger === 'money' ? dollars(correctionAmount) : count(correctionAmount, 'stamp', 'stamps');
      const balance = options.ledger === 'money' ? dollars(resident.debit_balance_cents) : count(resident.stamp_balance, 'stamp', 'stamps');
      context.out(`Reversed entry ${options.entry} for ${resident.display_name}: ${moved}. Balance: ${balance}.`);
    },
  }),
  defineCommand({
    name: 'statement',
    summary: "A resident's statement between two dates of the site's calendar, with running balances; optionally as CSV and PDF files",
    options: {
      resident: residentOption(),
      from: requiredText('2025-06-01', 'the first day, in the site’s calendar'),
      to: requiredText('2025-06-30', 'the last day, in the site’s calendar'),
      ledger: oneOfOr(['money', 'stamps'] as const, 'money', 'which account'),
      csv: optionalText('statement.csv', 'also write it to this CSV file'),
      pdf: optionalText('statement.pdf', 'also write it to this PDF file'),
    },
    async run(options, context) {
      const resident = await residentOf(context, options.resident);
      const statement = await accountStatement(context.hub.database, {
        residentId: resident.resident_id,
        ledger: options.ledger === 'money' ? 'debit' : 'stamps',
        fromDate: options.from,
        toDate: options.to,
      });
      const figure = (amount: number): string => (statement.ledger === 'debit' ? dollars(amount) : String(amount));
      context.out(
        `${statement.residentName} (${statement.credentialId}), ${statement.siteName}: ${statement.fromDate} to ${statement.toDate} (${statement.timeZone}).`,
      );
      context.out(`  Opening balance ${figure(statement.openingBalance)}`);
      for (const line of statement.lines)
        context.out(
          `  ${localDateTimeText(line.at, statement.timeZone)}  ${line.amount > 0 ? '+' : ''}${figure(line.amount)}  ${line.what}${line.reference === '' ? '' : ` (${line.reference})`}  → ${figure(line.balance)}  [${line.entryId}]`,
        );
      context.out(`  In ${figure(statement.totalIn)}, out ${figure(statement.totalOut)}; closing balance ${figure(statement.closingBalance)}.`);
      if (options.csv !== undefined) {
        await writeFile(options.csv, statementCsv(statement));
        context.out(`Wrote ${options.csv}.`);
      }
      if (options.pdf !== undefined) {
        await writeFile(options.pdf, await statementPdf(statement));
        context.out(`Wrote ${options.pdf}.`);
      }
    },
  }),
  defineCommand({
    name: 'price-books',
    summary: "The site's stamp price books, newest first: each version with its books, who made it and how many purchases paid it",
    options: {},
    async run(_options, context) {
      for (const book of await listStampPriceBooks(context.hub.database, await context.site())) {
        context.out(
          `Version ${book.version}${book.current ? ' (in force)' : ''}, ${when(book.createdAt)} by ${book.createdBy}: ${book.books.map((entry) => `${entry.stamps} for ${dollars(entry.priceCents)}`).join(', ')}; ${count(book.purchases, 'purchase', 'purchases')}.${book.note === '' ? '' : ` ${book.note}`}`,
        );
      }
    },
  }),
  defineCommand({
    name: 'add-price-book',
    summary: 'Change stamp prices by adding a new price book version (the old one stays for the purchases that paid it)',
    options: {
      books: stampBooks('every book residents can buy from now on, as stamps:priceInCents'),
      note: optionalText('"Postage went up."', 'why the prices change'),
    },
    note: '--books is required: the new version lists every book, not only the changed ones.',
    async run(options, context) {
      if (options.books === undefined)
        throw new CommandUsageError('missingOption', '--books is required: every book residents can buy from now on.', ['books']);
      const version = await addStampPriceBookVersion(context.hub, {
        siteId: await context.site(),
        books: options.books,
        createdBy: context.reviewer,
        ...(options.note === undefined ? {} : { note: options.note }),
      });
      context.out(
        `Price book version ${version.version} is in force: ${version.books.map((book) => `${book.stamps} for ${dollars(book.priceCents)}`).join(', ')}.`,
      );
    },
  }),
  defineCommand({
    name: 'site-time-zone',
    summary: "Show or set the site's time zone (visiting hours and statements are in it; the hub's own until set)",
    options: { set: optionalText('America/Chicago', 'the IANA time zone to set') },
    async run(options, context) {
      const siteId = await context.site();
      const zone =
        options.set === undefined ? await siteTimeZone(context.hub.database, siteId) : await setSiteTimeZone(context.hub, { siteId, timeZone: options.set });
      context.out(`The site's time zone is ${zone}.`);
    },
  }),
  defineCommand({
    name: 'site-languages',
    summary: "Show or set the languages the site offers residents and the one its devices start in (each device's site file until set)",
    options: {
      offered: optionalText('en,es,vi', 'the language tags offered, in the order the language switch shows them, comma-separated'),
      default: optionalText('en', 'the language a device starts in and comes back to after each sign-out; one of those offered'),
    },
    async run(options, context) {
      const siteId = await context.site();
      if (options.offered === undefined && options.default === undefined) {
        const languages = await getSiteLanguages(context.hub.database, siteId);
        context.out(
          languages === null
            ? 'The site has not set its languages: each device offers those in its own site file. Set them with --offered and --default.'
            : `The site offers ${languages.offered.join(', ')}; devices start in ${languages.default}.`,
        );
        return;
      }
      const offered = (options.offered ?? '')
        .split(',')
        .map((tag) => tag.trim())
        .filter((tag) => tag !== '');
      // Without --default the first offered language is the default, as the switch shows it first.
      const languages = await setSiteLanguages(context.hub, { siteId, offered, default: options.default ?? offered[0] ?? '' });
      context.out(
        `The site offers ${languages.offered.join(', ')}; devices start in ${languages.default}. Each device takes this at its next sync and offers the languages it has words for.`,
      );
    },
  }),
  defineCommand({
    name: 'mail-retention',
    summary: 'Show or set how long the hub keeps the words and pictures of family letters review stopped (for good until set)',
    options: {
      reviewedMailRetentionDays: optionalWholeNumber({
        description: 'days after review stopped a letter (rejected or withdrawn) before purge-reviewed-mail removes its content',
        min: 1,
        max: maxRetentionDays,
        example: '90',
      }),
      keepForever: flag('keep stopped letters for good (the default)'),
    },
    async run(options, context) {
      const siteId = await context.site();
      const days = options.reviewedMailRetentionDays;
      if (days !== undefined && options.keepForever)
        throw new CommandUsageError('badOptionValue', 'Give --reviewed-mail-retention-days or --keep-forever, not both.');
      if (days !== undefined || options.keepForever) await setReviewedMailRetention(context.hub, { siteId, days: days ?? null });
      const now = await reviewedMailRetention(context.hub, siteId);
      context.out(
        now === null
          ? 'The hub keeps family letters that review stopped for good. Set --reviewed-mail-retention-days to purge them after that many days.'
          : `purge-reviewed-mail removes the words, pictures and captions of family letters review stopped (rejected or withdrawn) ${count(now, 'day', 'days')} after the decision; their envelopes, reasons and review decisions stay.`,
      );
    },
  }),
  defineCommand({
    name: 'purge-reviewed-mail',
    summary: "Remove the content of family letters review stopped longer ago than the site's retention (run it daily)",
    options: {},
    async run(_options, context) {
      const purge = await purgeReviewedMail(context.hub, { siteId: await context.site() });
      if (purge.retentionDays === null || purge.stoppedBefore === null) {
        context.out('Nothing purged: the site keeps letters review stopped for good (mail-retention --reviewed-mail-retention-days sets a limit).');
        return;
      }
      context.out(
        purge.letters === 0
          ? `Nothing to purge: no letter review stopped before ${when(purge.stoppedBefore)} (${count(purge.retentionDays, 'day', 'days')} ago) still has its content.`
          : `Purged ${count(purge.letters, 'letter', 'letters')} review stopped before ${when(purge.stoppedBefore)}: their words, ${count(purge.attachments, 'attachment', 'attachments')} and ${bytes(purge.bytesFreed)} of stored files (${count(purge.blobsDeleted, 'file', 'files')}). Their envelopes, reasons and review decisions stay.`,
      );
    },
  }),
  defineCommand({
    name: 'add-visit-room',
    summary: 'Add a visiting room for on-site or video visits, with its weekly opening hours in the site’s time zone',
    options: {
      name: requiredText('"Room 1"', 'the room name'),
      kind: oneOf(['onSite', 'remote'] as const, 'on-site visits or video visits'),
      hours: weeklyHours('when it is open each week'),
    },
    async run(options, context) {
      const room = await addVisitRoom(context.hub, { siteId: await context.site(), name: options.name, kind: options.kind, hours: options.hours });
      context.out(`Added ${room.name}, a room for ${visitKindWords(room.kind)} visits, open ${describeOpeningHours(room.hours)} (room id ${room.roomId}).`);
    },
  }),
  defineCommand({
    name: 'visit-rooms',
    summary: 'List the visiting rooms with their kind and weekly hours',
    options: {},
    async run(_options, context) {
      const rooms = await listVisitRooms(context.hub.database, await context.site());
      if (rooms.length === 0) context.out('No visiting rooms yet: add one with add-visit-room.');
      for (const room of rooms) context.out(`${room.name} (${visitKindWords(room.kind)}): ${describeOpeningHours(room.hours)}  (id ${room.roomId})`);
    },
  }),
  defineCommand({
    name: 'visits-day',
    summary: "One day's visits at the site, by room, in the site's time zone",
    options: { date: requiredText('2025-06-01', 'the day, in the site’s calendar') },
    async run(options, context) {
      const day = await visitDay(context.hub.database, { siteId: await context.site(), date: options.date });
      const rooms = new Map(day.rooms.map((room) => [room.roomId, room.name]));
      context.out(`Visits on ${day.date} (${day.timeZone}):`);
      if (day.visits.length === 0) context.out('  none.');
      for (const visit of day.visits) {
        const room = visit.roomId === null ? 'no room' : (rooms.get(visit.roomId) ?? visit.roomId);
        context.out(
          `  ${localDateTimeText(visit.startsAt, day.timeZone).slice(11)} ${visit.durationMinutes} min, ${room}: ${visit.residentName} with ${visit.visitorName}${visit.status === 'cancelled' ? ` — CANCELLED${visit.cancellationReason === null ? '' : `: ${visit.cancellationReason}`}` : ''}  (visit ${visit.visitId})`,
        );
      }
    },
  }),
  defineCommand({
    name: 'verify-audit',
    summary: "Check devices' audit logs and the hub's own: recompute every hash from the first entry, name the first broken link",
    options: { device: optionalText('<device id>', "only this device (every device of the site with an audit log, and the hub's chain, when left out)") },
    async run(options, context) {
      const deviceId = options.device;
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
  }),
  defineCommand({
    name: 'rules',
    summary: "Show the site's stamp and money rules",
    options: {},
    async run(_options, context) {
      const rules = await getSiteRules(context.hub.database, await context.site());
      context.out(
        `${rules.siteName}: ${rules.charactersPerStamp} characters a stamp, ${count(rules.stampsPerAttachment, 'stamp', 'stamps')} per attachment, up to ${rules.maxAttachments} attachments of ${bytes(rules.maxAttachmentBytes)}.`,
      );
      context.out(
        `  Stamps ${rules.refundStampsOnRejection ? 'come back' : 'do not come back'} on rejection. Books: ${rules.stampBooks.map((book) => `${book.stamps} for ${dollars(book.priceCents)}`).join(', ')}.`,
      );
    },
  }),
];

export function findCommand(name: string): HubCommand | undefined {
  return hubCommands.find((command) => command.name === name);
}

/** A command as a console lists it: what it does, and each option with its schema and help. */
export interface CommandListing {
  readonly name: string;
  readonly summary: string;
  readonly options: readonly OptionDescription[];
  /** The zod schema of the options, as given (typed text, flags, lists); validate a form's answers with it. */
  readonly schema: HubCommand['options'];
}

export function describeCommands(): CommandListing[] {
  return hubCommands.map((command) => ({ name: command.name, summary: command.summary, options: describeOptions(command), schema: command.options }));
}
