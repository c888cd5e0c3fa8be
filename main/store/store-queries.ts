// One set of query modules per open database: each module's statements are prepared the first time it is used and
// kept while the database is open, instead of again at every call (a recorded mutation used to prepare the outbox's
// and the sync state's statements each time; applying a pull batch already kept its forty-odd, whose preparing took
// about a tenth of the time of applying 1,000 letters). A store's schema does not change while it is open: migrations
// run at open. openDeviceStore builds it (DeviceStore.queries); code handed only the database reaches the same object
// through storeQueriesOf.
import type { DeviceDatabase } from './database';
import { attachmentQueries, type AttachmentQueries } from './attachments';
import { auditLogQueries, type AuditLogQueries } from './audit-log';
import { homeSummaryQueries, type HomeSummaryQueries } from './home-summary';
import { letterNoticeQueries, type LetterNoticeQueries } from './letter-notices';
import { mailQueries, type MailQueries } from './mail';
import { mailSearchIndexQueries, type MailSearchIndexQueries } from './mail-search';
import { moneyQueries, type MoneyQueries } from './money';
import { outboxQueries, type OutboxQueries } from './outbox';
import { pinLockoutQueries, type PinLockoutQueries } from './pin-lockouts';
import { replicaQueries, type ReplicaQueries } from './replica';
import { residentDataQueries, type ResidentDataQueries } from './resident-data';
import { residentQueries, type ResidentQueries } from './residents';
import { staffQueries, type StaffQueries } from './staff';
import { syncStateQueries, type SyncStateQueries } from './sync-state';
import { visitQueries, type VisitQueries } from './visits';

export interface DeviceStoreQueries {
  readonly attachments: AttachmentQueries;
  readonly auditLog: AuditLogQueries;
  readonly homeSummary: HomeSummaryQueries;
  readonly letterNotices: LetterNoticeQueries;
  readonly mail: MailQueries;
  readonly mailSearch: MailSearchIndexQueries;
  readonly money: MoneyQueries;
  readonly outbox: OutboxQueries;
  readonly pinLockouts: PinLockoutQueries;
  readonly replica: ReplicaQueries;
  readonly residentData: ResidentDataQueries;
  readonly residents: ResidentQueries;
  readonly staff: StaffQueries;
  readonly syncState: SyncStateQueries;
  readonly visits: VisitQueries;
}

/** Lazily, so a database held at an older schema version (tests of one migration) prepares only what it uses. */
class LazyStoreQueries implements DeviceStoreQueries {
  readonly #db: DeviceDatabase;
  #attachments: AttachmentQueries | undefined;
  #auditLog: AuditLogQueries | undefined;
  #homeSummary: HomeSummaryQueries | undefined;
  #letterNotices: LetterNoticeQueries | undefined;
  #mail: MailQueries | undefined;
  #mailSearch: MailSearchIndexQueries | undefined;
  #money: MoneyQueries | undefined;
  #outbox: OutboxQueries | undefined;
  #pinLockouts: PinLockoutQueries | undefined;
  #replica: ReplicaQueries | undefined;
  #residentData: ResidentDataQueries | undefined;
  #residents: ResidentQueries | undefined;
  #staff: StaffQueries | undefined;
  #syncState: SyncStateQueries | undefined;
  #visits: VisitQueries | undefined;

  constructor(db: DeviceDatabase) {
    this.#db = db;
  }

  get attachments(): AttachmentQueries {
    return (this.#attachments ??= attachmentQueries(this.#db));
  }
  get auditLog(): AuditLogQueries {
    return (this.#auditLog ??= auditLogQueries(this.#db));
  }
  get homeSummary(): HomeSummaryQueries {
    return (this.#homeSummary ??= homeSummaryQueries(this.#db));
  }
  get letterNotices(): LetterNoticeQueries {
    return (this.#letterNotices ??= letterNoticeQueries(this.#db));
  }
  get mail(): MailQueries {
    return (this.#mail ??= mailQueries(this.#db));
  }
  get mailSearch(): MailSearchIndexQueries {
    return (this.#mailSearch ??= mailSearchIndexQueries(this.#db));
  }
  get money(): MoneyQueries {
    return (this.#money ??= moneyQueries(this.#db));
  }
  get outbox(): OutboxQueries {
    return (this.#outbox ??= outboxQueries(this.#db));
  }
  get pinLockouts(): PinLockoutQueries {
    return (this.#pinLockouts ??= pinLockoutQueries(this.#db));
  }
  get replica(): ReplicaQueries {
    return (this.#replica ??= replicaQueries(this.#db));
  }
  get residentData(): ResidentDataQueries {
    return (this.#residentData ??= residentDataQueries(this.#db, { replica: this.replica, residents: this.residents, lockouts: this.pinLockouts }));
  }
  get residents(): ResidentQueries {
    return (this.#residents ??= residentQueries(this.#db));
  }
  get staff(): StaffQueries {
    return (this.#staff ??= staffQueries(this.#db));
  }
  get syncState(): SyncStateQueries {
    return (this.#syncState ??= syncStateQueries(this.#db));
  }
  get visits(): VisitQueries {
    return (this.#visits ??= visitQueries(this.#db));
  }
}

const storeQueries = new WeakMap<DeviceDatabase, DeviceStoreQueries>();

/** The database's one set of query modules; a database closed and opened again is a new handle with a new set. */
export function storeQueriesOf(db: DeviceDatabase): DeviceStoreQueries {
  const known = storeQueries.get(db);
  if (known !== undefined) return known;
  const queries = new LazyStoreQueries(db);
  storeQueries.set(db, queries);
  return queries;
}
