// The console's audit chain check in words (hub/services/audit-check.ts): intact, each way a chain can break, and
// entries kept aside on arrival.
import { describe, expect, it } from 'vitest';
import { auditVerdictOf } from '../../../hub/services/audit-check';

const sound = { deviceId: 'd1', entries: 1204, verified: 1204, problem: null, setAside: 0, firstSetAside: null } as const;

describe('auditVerdictOf', () => {
  it('says an intact chain is intact, with its entries', () => {
    expect(auditVerdictOf('Kiosk A1', 'd1', sound)).toEqual({
      subject: 'Kiosk A1',
      deviceId: 'd1',
      intact: true,
      entries: 1204,
      sentence: '1,204 entries, chain intact.',
      setAside: null,
    });
  });

  it('names where a chain broke and how', () => {
    const gap = auditVerdictOf('The hub', null, { ...sound, verified: 11, problem: { seq: 12, problem: 'gap', foundSeq: 14 } });
    expect(gap.intact).toBe(false);
    expect(gap.sentence).toBe('Broken at entry 12: it is missing (the next stored entry is 14). 11 entries before it checked out; 1,204 stored.');
    expect(auditVerdictOf('K', 'd1', { ...sound, verified: 0, problem: { seq: 1, problem: 'prevHashMismatch' } }).sentence).toMatch(
      /^Broken at entry 1: it does not link to the start of the chain\./,
    );
    expect(auditVerdictOf('K', 'd1', { ...sound, verified: 4, problem: { seq: 5, problem: 'hashMismatch' } }).sentence).toMatch(
      /^Broken at entry 5: its fields no longer match its hash \(it was changed after it was written\)\. 4 entries before/,
    );
  });

  it('counts entries kept aside as not intact, and says why the first was', () => {
    const aside = auditVerdictOf('K', 'd1', { ...sound, setAside: 2, firstSetAside: { seq: 40, reason: 'otherDevice' } });
    expect(aside.intact).toBe(false);
    expect(aside.setAside).toBe('2 entries were kept aside on arrival; the first, entry 40, was hashed under another device’s id.');
  });
});
