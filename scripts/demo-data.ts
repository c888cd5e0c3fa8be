// The demo site's people. Used by `npm start` and by the end-to-end tests, so what a newcomer tries is what is tested.
import type { LanguageCode } from '../main/contract';
import { openDeviceDatabase } from '../main/store/database';
import { residentQueries } from '../main/store/residents';
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

/** A staff badge: the kiosk recognizes it and says service mode is not open to it at the resident prompt. */
export const demoStaffBadge = 'S42001';

/** The site rule `^R(\d{6})$` keeps the digits as the credential id. */
export const credentialIdOf = (badge: string): string => badge.replace(/^R/, '');

/** Facility code of the demo site's resident RFID wristbands (staff badges use 42). */
export const demoResidentFacilityCode = 21;

/** Track 2 of a resident's ID card: the booking number alone between the sentinels (read as track data, not ISO). */
export const idCardTrack2Of = (resident: DemoResident): string => `;${credentialIdOf(resident.badge)}?`;

/** What the badge reader sends for a resident's RFID wristband, as `facility:card` in decimal. */
export const rfidBadgeOf = (resident: DemoResident): string => `${demoResidentFacilityCode}:${credentialIdOf(resident.badge)}`;

/** Writes the demo residents into a device store (until the hub syncs them, that is how a device learns who may sign in). */
export async function seedDemoResidents(storeFile: string, now = Date.now()): Promise<void> {
  const hashed = await Promise.all(demoResidents.map(async (resident) => ({ resident, pinHash: await hashPin(resident.pin) })));
  const db = openDeviceDatabase(storeFile);
  try {
    const residents = residentQueries(db);
    db.transaction(() => {
      for (const { resident, pinHash } of hashed) {
        residents.upsert(
          { residentId: resident.residentId, credentialId: credentialIdOf(resident.badge), displayName: resident.displayName, pinHash, housingUnit: 'B', language: resident.language },
          now,
        );
      }
    })();
  } finally {
    db.close();
  }
}
