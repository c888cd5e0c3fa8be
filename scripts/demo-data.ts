// The demo site's people. Used by `npm start` and by the end-to-end tests, so what a newcomer tries is what is tested.
import type { LanguageCode } from '../main/contract';
import { openDeviceDatabase } from '../main/store/database';
import { residentQueries } from '../main/store/residents';
import { replicaQueries } from '../main/store/replica';
import { staffBadgeHash } from '../main/store/staff';
import { hashPin } from '../main/signin/pin-hash';

export interface DemoResident {
  readonly residentId: string;
  /** What their wristband's Code 39 barcode reads. */
  readonly badge: string;
  readonly pin: string;
  readonly displayName: string;
  readonly language: LanguageCode;
}

export const demoResidents: readonly DemoResident[] = [
  { residentId: 'res-100001', badge: 'R100001', pin: '2468', displayName: 'Marcus Lee', language: 'en' },
  { residentId: 'res-100002', badge: 'R100002', pin: '1357', displayName: 'Ana Díaz', language: 'es' },
  { residentId: 'res-100003', badge: 'R100003', pin: '8024', displayName: 'Grace Okafor', language: 'en' },
  { residentId: 'res-100004', badge: 'R100004', pin: '5791', displayName: 'Tomás Rivera', language: 'es' },
];

export interface DemoStaffMember {
  readonly staffId: string;
  /** What their badge's barcode reads; the site's staff rule keeps the digits (`42001`) as the badge id. */
  readonly badge: string;
  readonly pin: string;
  readonly displayName: string;
}

/** The demo site's staff member: their badge and PIN open service mode on any of its devices. */
export const demoStaff: DemoStaffMember = { staffId: 'staff-42001', badge: 'S42001', pin: '9753', displayName: 'Officer Dana Grant' };
/** The badge id the site's staff rule `^S(\d{5})$` extracts (the hub stores only its hash). */
export const staffBadgeIdOf = (badge: string): string => badge.replace(/^S/, '');

/** The site rule `^R(\d{6})$` keeps the digits as the credential id. */
export const credentialIdOf = (badge: string): string => badge.replace(/^R/, '');

/** Facility code of the demo site's resident RFID wristbands (staff badges use 42). */
export const demoResidentFacilityCode = 21;

/** Track 2 of a resident's ID card: the booking number alone between the sentinels (read as track data, not ISO). */
export const idCardTrack2Of = (resident: DemoResident): string => `;${credentialIdOf(resident.badge)}?`;

/** What the badge reader sends for a resident's RFID wristband, as `facility:card` in decimal. */
export const rfidBadgeOf = (resident: DemoResident): string => `${demoResidentFacilityCode}:${credentialIdOf(resident.badge)}`;

/**
 * Writes the demo residents and the demo staff member into a device store (until the hub syncs them, that is how a
 * device learns who may sign in). The staff row is written as version 1, as if the hub had sent it.
 */
export async function seedDemoResidents(storeFile: string, now = Date.now()): Promise<void> {
  const hashed = await Promise.all(demoResidents.map(async (resident) => ({ resident, pinHash: await hashPin(resident.pin) })));
  const staffPinHash = await hashPin(demoStaff.pin);
  const db = openDeviceDatabase(storeFile);
  try {
    const residents = residentQueries(db);
    db.transaction(() => {
      for (const { resident, pinHash } of hashed) {
        residents.upsert(
          {
            residentId: resident.residentId,
            credentialId: credentialIdOf(resident.badge),
            displayName: resident.displayName,
            pinHash,
            housingUnit: 'B',
            language: resident.language,
          },
          now,
        );
      }
      replicaQueries(db).putStaff(
        { staffId: demoStaff.staffId, displayName: demoStaff.displayName, badgeHash: staffBadgeHash(staffBadgeIdOf(demoStaff.badge)), pinHash: staffPinHash },
        1,
      );
    })();
  } finally {
    db.close();
  }
}
