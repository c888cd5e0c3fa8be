// The sign-in service's staff side: a staff badge is found by its hash, the staff PIN is held to the residents' lockout
// rule on the staff member's own count, and every refusal is audited with a staff actor. A real store file; cheap scrypt.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CredentialEvent } from '../../../main/signin/credential-mapping';
import { createSignInService, type SignInService } from '../../../main/signin/sign-in-service';
import { hashPin } from '../../../main/signin/pin-hash';
import { openDeviceDatabase, type DeviceDatabase } from '../../../main/store/database';
import { pinLockoutQueries } from '../../../main/store/pin-lockouts';
import { replicaQueries } from '../../../main/store/replica';
import { residentQueries } from '../../../main/store/residents';
import { staffBadgeHash, staffQueries } from '../../../main/store/staff';
import { makeTempDir } from '../../support/temp-dir';

const rules = { maxAttempts: 3, lockoutBaseSeconds: 60, lockoutMaxSeconds: 3600 };
const badge = (id: string | null): CredentialEvent => ({ role: 'staff', id, source: 'front-scanner', format: 'barcode' });

let dir: ReturnType<typeof makeTempDir>;
let db: DeviceDatabase;
let clock = 1_000_000;
let audited: Array<{ kind: string; actor: unknown; details: unknown }>;
let service: SignInService;

beforeEach(async () => {
  dir = makeTempDir();
  db = openDeviceDatabase(join(dir.path, 'device.sqlite'));
  replicaQueries(db).putStaff(
    { staffId: 'staff-grant', displayName: 'Officer Grant', badgeHash: staffBadgeHash('42001'), pinHash: await hashPin('9753', { N: 1 << 10, r: 8, p: 1 }) },
    1,
  );
  audited = [];
  clock = 1_000_000;
  service = createSignInService({
    residents: residentQueries(db),
    staff: staffQueries(db),
    lockouts: pinLockoutQueries(db),
    rules,
    now: () => clock,
    audit: (kind, actor, details) => void audited.push({ kind, actor, details }),
  });
});
afterEach(() => {
  db.close();
  dir.remove();
});

describe('staff sign-in', () => {
  it('finds a staff member by the hash of their badge id, and refuses a badge nobody holds', () => {
    expect(service.identify(badge('42001'))).toEqual({ kind: 'staff', staffId: 'staff-grant', attemptsLeft: 3 });
    expect(service.identify(badge('42002'))).toEqual({ kind: 'staffNotKnown' });
    expect(service.identify(badge(null))).toEqual({ kind: 'staffNotKnown' });
    expect(audited).toEqual([
      { kind: 'credentialUnrecognized', actor: null, details: { reader: 'front-scanner', reason: 'notKnownHere' } },
      { kind: 'credentialUnrecognized', actor: null, details: { reader: 'front-scanner', reason: 'notKnownHere' } },
    ]);
  });

  it('a badge on two staff rows (mid-move at the hub) opens nothing', () => {
    replicaQueries(db).putStaff({ staffId: 'staff-other', displayName: 'Officer Other', badgeHash: staffBadgeHash('42001'), pinHash: 'scrypt:x' }, 1);
    expect(service.identify(badge('42001'))).toEqual({ kind: 'staffNotKnown' });
  });

  it('accepts the right PIN with the staff member’s name', async () => {
    await expect(service.checkStaffPin('staff-grant', '9753')).resolves.toEqual({
      kind: 'accepted',
      staff: { id: 'staff-grant', displayName: 'Officer Grant' },
    });
    expect(audited).toEqual([]);
  });

  it('wrong PINs count down, lock out (audited with a staff actor), and the lockout holds even for the right PIN', async () => {
    await expect(service.checkStaffPin('staff-grant', '0000')).resolves.toEqual({ kind: 'wrongPin', attemptsLeft: 2 });
    await expect(service.checkStaffPin('staff-grant', '0001')).resolves.toEqual({ kind: 'wrongPin', attemptsLeft: 1 });
    await expect(service.checkStaffPin('staff-grant', '0002')).resolves.toEqual({ kind: 'lockedOut', until: clock + 60_000 });
    await expect(service.checkStaffPin('staff-grant', '9753')).resolves.toEqual({ kind: 'lockedOut', until: clock + 60_000 });
    expect(service.identify(badge('42001'))).toEqual({ kind: 'lockedOut', until: clock + 60_000 });
    const staffActor = { kind: 'staff', id: 'staff-grant' };
    expect(audited).toEqual([
      { kind: 'pinRejected', actor: staffActor, details: { attemptsLeft: 2 } },
      { kind: 'pinRejected', actor: staffActor, details: { attemptsLeft: 1 } },
      // As for residents: the attempt that causes the lockout had none left, and the lockout entry follows.
      { kind: 'pinRejected', actor: staffActor, details: { attemptsLeft: 0 } },
      { kind: 'lockedOut', actor: staffActor, details: { until: clock + 60_000 } },
      { kind: 'lockedOutAttempt', actor: staffActor, details: { until: clock + 60_000 } },
      { kind: 'lockedOutAttempt', actor: staffActor, details: { until: clock + 60_000 } },
    ]);
    // Kept under the staff member's own key: no resident's count moved.
    expect(pinLockoutQueries(db).get('staff', 'staff-grant')).toMatchObject({ lockouts: 1 });
    expect(pinLockoutQueries(db).get('resident', 'staff-grant')).toEqual({ failedAttempts: 0, lockouts: 0, lockedUntil: null });

    clock += 60_000;
    await expect(service.checkStaffPin('staff-grant', '9753')).resolves.toMatchObject({ kind: 'accepted' });
  });

  it('a resident id is not a staff member: no PIN of theirs opens service mode', async () => {
    await expect(service.checkStaffPin('res-100001', '2468')).resolves.toEqual({ kind: 'wrongPin', attemptsLeft: 2 });
  });
});
