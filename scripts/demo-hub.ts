// The demo facility on an embedded hub (PGlite in .demo/hub): a site, Unit B, the demo residents with family
// contacts, a little mail already reviewed, money on their accounts and stamps. `npm start` and its tests use it.
import { deflateSync, crc32 } from 'node:zlib';
import type { Logger } from 'pino';
import type { ScryptCost } from '../rules/pin-hash';
import { openHubDatabase } from '../hub/db/open';
import type { HubDatabase } from '../hub/db/database';
import { newAdminToken, writeConsoleConnection } from '../hub/console-connection';
import { startHub, type RunningHub } from '../hub/server';
import {
  addContact,
  addHousingUnit,
  addStaff,
  addResident,
  createSite,
  deposit,
  issueEnrollmentCode,
  reviewMessage,
  sendFamilyMessage,
  transferStamps,
  type ContactRow,
} from '../hub/services/index';
import { credentialIdOf, demoResidents, demoStaff, staffBadgeIdOf, type DemoResident } from './demo-data';

export interface DemoFamilyContact {
  readonly resident: DemoResident;
  readonly contact: ContactRow;
}

export interface DemoHub {
  readonly running: RunningHub;
  readonly database: HubDatabase;
  readonly siteId: string;
  readonly housingUnitId: string;
  /** The approved family contact of each demo resident, in demoResidents order. */
  readonly families: readonly DemoFamilyContact[];
  /** A fresh one-time code for the demo kiosk. */
  kioskEnrollmentCode(): Promise<string>;
  /** A fresh one-time code for a tablet (assigned to a resident later, in its service mode). */
  tabletEnrollmentCode(): Promise<string>;
  /**
   * Stops the hub as if its process stopped: no longer listening, database closed. Devices find nothing at its
   * address until start(). `running` and `database` keep naming the stopped ones meanwhile.
   */
  stop(): Promise<void>;
  /**
   * Starts a stopped hub again on the same data folder, port and console token, so enrolled devices and the console
   * file keep working. Throws if the port was taken meanwhile.
   */
  start(): Promise<void>;
  close(): Promise<void>;
}

const families: Record<string, { name: string; relationship: string; letter: string }> = {
  R100001: { name: 'Denise Lee', relationship: 'mother', letter: 'Hi Marcus, the kids drew you a picture this week. We are all thinking of you. Love, Mom' },
  R100002: { name: 'Rosa Díaz', relationship: 'madre', letter: 'Hola mi amor, tu hermana ya tuvo al bebé. Se llama Sofía. Te queremos mucho. Mamá' },
  R100003: { name: 'James Okafor', relationship: 'brother', letter: 'Grace, I put money on your account for the phone. Call when you can.' },
  R100004: { name: 'Lucía Rivera', relationship: 'esposa', letter: 'Tomás, los niños preguntan por ti todos los días. Escríbenos pronto.' },
};

/** A second letter from each family, left for the mailroom to review at the console. */
const waitingLetters: Record<string, string> = {
  R100001: 'Marcus, your cousin Dre says hello. We will visit on Saturday if the schedule allows.',
  R100002: 'Hola hijo, te mando una foto del bebé. Está muy grande ya.',
  R100003: 'Grace, the lawyer called. Your court date moved to the 14th. Stay strong.',
  R100004: 'Tomás, ya pagamos la renta. No te preocupes por nada aquí.',
};

/** A real PNG (a soft gradient), so the photo travels as a real image and passes the hub's type check. */
export function demoPhoto(width = 240, height = 160): Buffer {
  const row = (y: number) =>
    Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width * 3 }, (_, i) => [120 + (y % 100), 150 + ((i / 3) % 80), 200][i % 3] as number))]);
  const pixels = Buffer.concat(Array.from({ length: height }, (_, y) => row(y)));
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, checksum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface DemoHubOptions {
  /** The PGlite folder; ignored when databaseUrl is given. */
  readonly dataDir: string;
  /** A PostgreSQL database instead of PGlite (the console's end-to-end tests run on PostgreSQL). */
  readonly databaseUrl?: string;
  readonly port: number;
  readonly consoleFile: string;
  readonly logger: Logger;
  /** The console password hashing cost; tests pass a cheap one. */
  readonly passwordCost?: ScryptCost;
  /** A migrated PGlite image to start from (tests: test/support/hub-databases.ts migratedPgliteImage). */
  readonly pgliteImage?: Blob;
}

export async function startDemoHub(options: DemoHubOptions): Promise<DemoHub> {
  const where = options.databaseUrl === undefined ? { dataDir: options.dataDir } : { databaseUrl: options.databaseUrl };
  const cost = options.passwordCost === undefined ? {} : { passwordCost: options.passwordCost };
  let database = await openHubDatabase({ ...where, ...(options.pgliteImage === undefined ? {} : { pgliteImage: options.pgliteImage }) });
  const adminToken = newAdminToken();
  let running: RunningHub;
  try {
    running = await startHub({ database, port: options.port, logger: options.logger, adminToken, ...cost });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    running = await startHub({ database, port: 0, logger: options.logger, adminToken, ...cost });
  }
  writeConsoleConnection(options.consoleFile, { url: running.url, adminToken });
  let serving = true;
  const hub = running.context;

  const site = await createSite(hub, { name: 'Riverbend County Detention Center' });
  const unit = await addHousingUnit(hub, { siteId: site.siteId, name: 'B' });
  await addStaff(hub, { siteId: site.siteId, displayName: demoStaff.displayName, badgeId: staffBadgeIdOf(demoStaff.badge), pin: demoStaff.pin });
  const seeded: DemoFamilyContact[] = [];
  for (const resident of demoResidents) {
    const row = await addResident(hub, {
      housingUnitId: unit.housingUnitId,
      credentialId: credentialIdOf(resident.badge),
      displayName: resident.displayName,
      pin: resident.pin,
      language: resident.language,
    });
    const family = families[resident.badge];
    if (!family) throw new Error(`no demo family for ${resident.badge}`);
    const contact = await addContact(hub, { residentId: row.resident_id, displayName: family.name, relationship: family.relationship, approved: true });
    await deposit(hub, { residentId: row.resident_id, amountCents: 2500, source: 'online', reference: 'demo' });
    await transferStamps(hub, { residentId: row.resident_id, stamps: 5, from: family.name });
    const letter = await sendFamilyMessage(hub, {
      contactId: contact.contact_id,
      body: family.letter,
      carriesReturnStamp: true,
      attachments: resident.badge === 'R100001' ? [{ kind: 'photo', bytes: demoPhoto() }] : [],
    });
    await reviewMessage(hub, { decision: 'approve', messageId: letter.message_id, reviewer: 'Demo mailroom' });
    seeded.push({ resident, contact });
  }
  // Letters still waiting for the mailroom, so the facility console's review queue has work in it.
  for (const [index, { resident, contact }] of seeded.entries()) {
    const waiting = waitingLetters[resident.badge];
    if (waiting === undefined) continue;
    await sendFamilyMessage(hub, {
      contactId: contact.contact_id,
      body: waiting,
      carriesReturnStamp: index % 2 === 0,
      attachments: index === 1 ? [{ kind: 'photo', bytes: demoPhoto(320, 200) }] : [],
    });
  }
  const stop = async (): Promise<void> => {
    if (!serving) return;
    serving = false;
    await running.close();
    await database.close();
  };
  return {
    get running() {
      return running;
    },
    get database() {
      return database;
    },
    siteId: site.siteId,
    housingUnitId: unit.housingUnitId,
    families: seeded,
    kioskEnrollmentCode: async () =>
      (await issueEnrollmentCode(running.context, { siteId: site.siteId, kind: 'kiosk', housingUnitId: unit.housingUnitId })).code,
    tabletEnrollmentCode: async () => (await issueEnrollmentCode(running.context, { siteId: site.siteId, kind: 'tablet' })).code,
    stop,
    async start() {
      if (serving) return;
      const reopened = await openHubDatabase(where);
      try {
        // The same port, not any free one: the devices were enrolled with this address.
        running = await startHub({ database: reopened, port: running.port, logger: options.logger, adminToken, ...cost });
      } catch (error) {
        await reopened.close();
        throw error;
      }
      database = reopened;
      serving = true;
      writeConsoleConnection(options.consoleFile, { url: running.url, adminToken });
    },
    close: stop,
  };
}
