// The hub's services: plain functions over a HubDatabase, shared by the HTTP server, the CLI, the demo and the tests.
// All the hub's SQL lives in this folder (and in db/migrations).
export { CaptionsRefused, hubContext, HubInputError, type HubContext, type HubInputProblem } from './context';
export {
  createSite,
  updateSiteRules,
  getSiteRules,
  listSites,
  addHousingUnit,
  listHousingUnits,
  findHousingUnit,
  defaultSiteRules,
  type SiteRules,
  type SiteSummary,
  type HousingUnit,
} from './sites';
export { addResident, moveResident, releaseResident, findResident, listResidents, type AddResidentInput } from './residents';
export { addStaff, removeStaff, listStaff, badgeHash, changeStaffPin, setStaffUnits, staffUnits, staffInScope } from './staff';
export { addContact, setContactApproval, getContact, listContacts } from './contacts';
export {
  issueEnrollmentCode,
  enrollDevice,
  authenticateDevice,
  assignTablet,
  unassignTablet,
  assignTabletByBookingNumber,
  releaseTablet,
  tabletAssignmentLog,
  listDevices,
  revokeDevice,
  recordWipeOrdered,
  revocationReasons,
  enrollmentCodeLifetimeMs,
  type RevocationOutcome,
  type RevocationReason,
  type TabletRefused,
  type DeviceKind,
  type DeviceRow,
  type EnrollmentOutcome,
  type IssuedEnrollmentCode,
  type TabletAssignOutcome,
  type TabletAssignRefusal,
  type TabletReleaseOutcome,
} from './devices';
export {
  deposit,
  transferStamps,
  auditLedgers,
  listLedgerEntries,
  depositSources,
  maxDepositCents,
  type DepositSource,
  type LedgerAudit,
  type LedgerEntry,
} from './ledgers';
export {
  sendFamilyMessage,
  listReviewQueue,
  reviewMessage,
  withdrawMessage,
  listFamilyNotices,
  setNotifyResidentOfRejectedMail,
  markReadByFamily,
  getMessage,
  maxMessageCharacters,
  type AttachmentUpload,
  type CaptionUpload,
  type FamilyNotice,
  type ReviewQueueItem,
  type ReviewRequest,
} from './messages';
export {
  scheduleVisit,
  cancelVisit,
  addVisitRoom,
  setVisitRoomHours,
  listVisitRooms,
  getVisitRoom,
  visitDay,
  visitSite,
  visitTypes,
  visitKinds,
  visitKindWords,
  maxCancellationReasonLength,
  type VisitKind,
  type VisitRoom,
  type VisitDay,
  type ScheduledVisit,
  type ScheduleVisitInput,
} from './visits';
export { appendHubAuditEntry, hubAuditEntries, verifyHubAuditChain, hubAuditChainName, type HubAuditEvent, type HubAuditRow } from './audit';
export { checkStaffProof, staffProofRules, type StaffProofOutcome } from './staff-proof';
export { appendAuditEntry, verifyDeviceAuditChain, devicesWithAuditEntries, findAuditDevice, type AuditChainReport, type AuditAppendOutcome } from './audit';
export { clearLockout, residentLockout, type ResidentLockout } from './lockouts';
export { applyPush, residentInScope, type PushOutcome } from './push';
export { pullChanges, type PulledPage } from './pull';
export { readBlobForDevice, maxBlobBytes } from './blobs';
export { cursorKey } from './hub-secrets';
export type { ResidentRow, ContactRow, MessageRow, StaffRow, VisitRow } from './records';
// The money office and the visits office at the console (issue 17).
export { hubTimeZone, checkedTimeZone, siteTimeZone, setSiteTimeZone, setSiteLanguages, getSiteLanguages } from './sites';
export { maxDepositReferenceLength } from './ledgers';
export { reverseLedgerEntry, ledgerEntryOwner, maxCorrectionReasonLength } from './corrections';
export { accountStatement, statementPeriod, describeEntry, maxStatementDays, type Statement, type StatementLine } from './statements';
export { statementCsv, statementPdf, statementFileName, csvCell, statementCsvHeader } from './statement-files';
export {
  listStampPriceBooks,
  addStampPriceBookVersion,
  checkedStampBooks,
  maxBooksPerPriceBook,
  maxPriceNoteLength,
  type StampPriceBookVersion,
  type StampBook,
} from './price-books';
