// The audit log's shared definition (hub/protocol/audit.ts): one canonical encoding, a hash chain, a walk that names
// the first broken link — and an event schema that lets nothing free-form (a PIN, a card number, a sentence) in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AuditEntry,
  AuditEvent,
  auditEntryHash,
  auditGenesisHash,
  auditHashInput,
  canonicalJson,
  hashedFieldsOf,
  verifyAuditChain,
  type AuditChainLink,
} from '../../../hub/protocol/index';

const residentActor = { kind: 'resident', id: '0b6f7c1e-2d0a-4e4e-9d55-3f1a2b3c4d5e' } as const;

/** A chain of `events` as the device would seal it. */
function sealChain(events: readonly AuditEvent[], deviceId: string | null = 'dev-1', startAt = 1_700_000_000_000): AuditChainLink[] {
  const links: AuditChainLink[] = [];
  let prevHash = auditGenesisHash;
  events.forEach((event, index) => {
    const fields = hashedFieldsOf({ deviceId, seq: index + 1, at: startAt + index * 1000, event, prevHash });
    const hash = auditEntryHash(fields);
    links.push({ ...fields, hash });
    prevHash = hash;
  });
  return links;
}

const sampleEvents: AuditEvent[] = [
  { kind: 'credentialUnrecognized', actor: null, details: { reader: 'front-scanner', reason: 'notKnownHere' } },
  { kind: 'pinRejected', actor: residentActor, details: { attemptsLeft: 4 } },
  { kind: 'lockedOut', actor: residentActor, details: { until: 1_700_000_060_000 } },
  { kind: 'signIn', actor: residentActor, details: {} },
  { kind: 'signOut', actor: residentActor, details: { reason: 'signedOutIdle' } },
  { kind: 'staffAction', actor: { kind: 'staff', id: 'staff-7' }, details: { action: 'syncNow' } },
];

describe('canonical encoding', () => {
  it('is one text per value, whatever order the keys were written in', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 0, y: 'é' } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":"é","z":0}}');
    expect(canonicalJson({ c: { y: 'é', z: 0 }, a: [true, null, 'x'], b: 1 })).toBe(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 0, y: 'é' } }));
    // As on the wire: a key whose value is undefined is absent.
    expect(canonicalJson({ action: 'syncNow', residentId: undefined })).toBe('{"action":"syncNow"}');
  });

  it('refuses what JSON cannot carry exactly', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow();
    expect(() => canonicalJson(new Date(0))).toThrow();
    expect(() => canonicalJson(undefined)).toThrow();
  });

  it('puts every field in a fixed position, so a value cannot slide into its neighbour', () => {
    const fields = hashedFieldsOf({ deviceId: 'dev-1', seq: 3, at: 42, event: sampleEvents[1] as AuditEvent, prevHash: auditGenesisHash });
    expect(auditHashInput(fields)).toBe(
      `["dayroom.audit.v1","dev-1",3,42,"pinRejected",["resident","${residentActor.id}"],{"attemptsLeft":4},"${auditGenesisHash}"]`,
    );
    // A known vector (also `printf '%s' <the text above> | sha256sum`): hub and device must agree on it, release after release.
    expect(auditEntryHash(fields)).toBe('7dec2aa0a5e065692d08d4ce9d952e4d6f07a81023e87384632dca03540bb52c');
    expect(auditEntryHash({ ...fields, deviceId: null })).not.toBe(auditEntryHash(fields));
    expect(auditEntryHash({ ...fields, details: JSON.parse(JSON.stringify(fields.details)) as unknown })).toBe(auditEntryHash(fields));
  });
});

describe('the event schema lets nothing free-form in', () => {
  it('accepts the kinds a facility audits', () => {
    for (const event of sampleEvents) expect(AuditEvent.safeParse(event).success).toBe(true);
  });

  it.each([
    ['a PIN as the actor', { kind: 'signIn', actor: { kind: 'resident', id: '4821' }, details: {} }],
    ['a card number as the actor', { kind: 'pinRejected', actor: { kind: 'resident', id: '100001' }, details: { attemptsLeft: 2 } }],
    ['an extra detail', { kind: 'pinRejected', actor: residentActor, details: { attemptsLeft: 2, pin: '4821' } }],
    [
      'text where an enum belongs',
      { kind: 'staffAction', actor: { kind: 'staff', id: 'staff-7' }, details: { action: 'told the resident their PIN is 4821' } },
    ],
    ['an actor on an unrecognized card', { kind: 'credentialUnrecognized', actor: residentActor, details: { reader: 'scanner', reason: 'notKnownHere' } }],
    [
      'card data as a reader id',
      { kind: 'credentialUnrecognized', actor: null, details: { reader: '%B4111111111111111^DOE/JOHN^2512?', reason: 'notAPersonCard' } },
    ],
    ['a staff action by a resident', { kind: 'staffAction', actor: residentActor, details: { action: 'syncNow' } }],
  ])('refuses %s', (_name, event) => {
    expect(AuditEvent.safeParse(event).success).toBe(false);
  });

  it('the wire entry is strict too', () => {
    const [link] = sealChain(sampleEvents.slice(0, 1));
    if (link === undefined) throw new Error('no link');
    const entry = { deviceId: link.deviceId, seq: link.seq, at: link.at, event: sampleEvents[0], prevHash: link.prevHash, hash: link.hash };
    expect(AuditEntry.safeParse(entry).success).toBe(true);
    expect(AuditEntry.safeParse({ ...entry, note: 'x' }).success).toBe(false);
    expect(AuditEntry.safeParse({ ...entry, hash: 'not a hash' }).success).toBe(false);
  });
});

describe('the hash chain', () => {
  it('an untouched chain verifies whole; an empty one too', () => {
    expect(verifyAuditChain(sealChain(sampleEvents))).toEqual({ verified: sampleEvents.length, problem: null });
    expect(verifyAuditChain([])).toEqual({ verified: 0, problem: null });
  });

  it('names a missing entry, a relinked entry and a changed entry by seq', () => {
    const chain = sealChain(sampleEvents);
    expect(verifyAuditChain(chain.filter((link) => link.seq !== 3)).problem).toEqual({ seq: 3, problem: 'gap', foundSeq: 4 });
    expect(verifyAuditChain(chain.map((link) => (link.seq === 2 ? { ...link, prevHash: auditGenesisHash } : link))).problem).toEqual({
      seq: 2,
      problem: 'prevHashMismatch',
    });
    expect(verifyAuditChain(chain.map((link) => (link.seq === 4 ? { ...link, details: { note: 'x' } } : link))).problem).toEqual({
      seq: 4,
      problem: 'hashMismatch',
    });
    // Details that are no longer JSON at all (read back from a changed row) cannot match either.
    expect(verifyAuditChain(chain.map((link) => (link.seq === 5 ? { ...link, details: undefined } : link))).problem).toEqual({
      seq: 5,
      problem: 'hashMismatch',
    });
  });

  const arbitraryEvent: fc.Arbitrary<AuditEvent> = fc.oneof(
    fc.record({
      kind: fc.constant('pinRejected' as const),
      actor: fc.constant(residentActor),
      details: fc.record({ attemptsLeft: fc.integer({ min: 0, max: 100 }) }),
    }),
    fc.record({ kind: fc.constant('lockedOut' as const), actor: fc.constant(residentActor), details: fc.record({ until: fc.nat() }) }),
    fc.record({ kind: fc.constant('signIn' as const), actor: fc.constant(residentActor), details: fc.constant({}) }),
    fc.record({
      kind: fc.constant('signOut' as const),
      actor: fc.constant(residentActor),
      details: fc.record({ reason: fc.constantFrom('signedOut' as const, 'signedOutIdle' as const, 'sessionTimeLimit' as const) }),
    }),
  );

  type Field = keyof AuditChainLink;
  const fields: readonly Field[] = ['deviceId', 'seq', 'at', 'kind', 'actor', 'details', 'prevHash', 'hash'];

  /** A different value for one field of one entry. A changed seq moves the entry past the end (the unique key at the hub keeps seqs distinct). */
  function tampered(link: AuditChainLink, field: Field, chainLength: number, salt: number): AuditChainLink {
    switch (field) {
      case 'deviceId':
        return { ...link, deviceId: link.deviceId === null ? 'dev-x' : null };
      case 'seq':
        return { ...link, seq: chainLength + 1 + salt };
      case 'at':
        return { ...link, at: link.at + 1 + salt };
      case 'kind':
        return { ...link, kind: link.kind === 'signIn' ? 'signOut' : 'signIn' };
      case 'actor':
        return { ...link, actor: { kind: 'staff', id: `staff-${salt}` } };
      case 'details':
        return { ...link, details: { attemptsLeft: 1000 + salt } };
      case 'prevHash':
        return { ...link, prevHash: (link.prevHash === auditGenesisHash ? '1' : '0').repeat(64) };
      case 'hash':
        return { ...link, hash: (link.hash.startsWith('0') ? '1' : '0').repeat(64) };
      default: {
        const unknownField: never = field;
        throw new Error(`unknown field ${String(unknownField)}`);
      }
    }
  }

  it('any single-field change of any entry is found at exactly that entry', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryEvent, { minLength: 1, maxLength: 12 }),
        fc.nat(),
        fc.constantFrom(...fields),
        fc.nat({ max: 1000 }),
        fc.constantFrom<string | null>('dev-1', null),
        (events, pick, field, salt, deviceId) => {
          const chain = sealChain(events, deviceId);
          const index = pick % chain.length;
          const target = chain[index];
          if (target === undefined) throw new Error('no entry');
          const changed = chain.map((link, position) => (position === index ? tampered(link, field, chain.length, salt) : link));
          // Stored in seq order, as the hub reads them.
          changed.sort((a, b) => a.seq - b.seq);
          const { problem, verified } = verifyAuditChain(changed);
          expect(problem?.seq).toBe(target.seq);
          expect(verified).toBe(index);
        },
      ),
      { numRuns: 500 },
    );
  });
});
