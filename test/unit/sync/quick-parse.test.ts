// The quick parse apply-pull tries before zod (hub/protocol/quick-parse.ts) may say "not certain" as often as it likes,
// but whenever it answers, its answer must be exactly zod's output for the same input: the same fields, in the same
// order. Checked on every kind of change, then on thousands of damaged ones (a field replaced by any JSON value, taken
// out, added, keys reordered as PostgreSQL's JSONB sends them).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Change, maxMessageCharacters } from '../../../hub/protocol';
import { compileQuickParse, notCertain } from '../../../hub/protocol/quick-parse';
import { propertyRuns, propertyTimeout } from '../../support/property-runs';
import { attachment, balance, contact, evict, ledgerEntry, letterStopped, message, remove, resident, siteRules, staff, upsert, visit } from './fixtures';

const quickParse = compileQuickParse(Change);

/** As it arrives: JSON text parsed, so nothing is shared with the fixture. */
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/** Every object's keys in reverse order, as a store that sorts keys its own way (JSONB) might send them. */
const reordered = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).reverse()) : inner,
  ) as unknown;

const messageWithPhotos = message('m1', 'r1', {
  body: 'Hola 😀 — café',
  attachments: [attachment('a1', 'photo-1'), attachment('a2', 'photo-2', { status: 'rejected', rejectionReason: 'not allowed' })],
});

const changes: Change[] = [
  upsert('message', messageWithPhotos, 2),
  upsert('message', message('m2', 'r1', { replyToMessageId: 'm1', readAt: 5_000, status: 'read' }), 3),
  upsert('resident', resident('r1'), 1),
  upsert('staff', staff('s1'), 1),
  upsert('contact', contact('c1', 'r1'), 1),
  upsert('stampEntry', ledgerEntry('e1', 'r1', 5), 1),
  upsert('debitEntry', ledgerEntry('e2', 'r1', -250), 1),
  upsert('balance', balance('r1'), 1),
  upsert('visit', visit('v1', 'r1'), 1),
  upsert('letterStopped', letterStopped('n1', 'r1'), 1),
  upsert('siteRules', siteRules(), 1),
  remove('message', 'm1', 4),
  evict('r1'),
];

/** The property: an answer, when there is one, is zod's output, keys and their order included. */
function expectZodsAnswer(input: unknown): 'answered' | 'notCertain' {
  const quick = quickParse(input);
  if (quick === notCertain) return 'notCertain';
  const parsed = Change.safeParse(input);
  expect(parsed.success).toBe(true);
  expect(JSON.stringify(quick)).toBe(JSON.stringify(parsed.data));
  return 'answered';
}

describe('the quick parse of a pulled change', () => {
  it('answers for a letter as zod would, in whatever key order it arrives', () => {
    for (const input of [overTheWire(changes[0]), reordered(changes[0]), overTheWire(changes[1]), reordered(changes[1])]) {
      expect(expectZodsAnswer(input)).toBe('answered');
    }
  });

  it.each(changes.map((change) => [`${change.entity} ${change.op}`, change] as const))('never answers other than zod for a %s', (_name, change) => {
    expectZodsAnswer(overTheWire(change));
    expectZodsAnswer(reordered(change));
  });

  it.each([
    ['an unknown key (zod strips it)', { ...messageWithPhotos, extra: 1 }],
    ['a letter one character too long', { ...messageWithPhotos, body: 'x'.repeat(maxMessageCharacters + 1) }],
    ['a letter of 30,001 emoji', { ...messageWithPhotos, body: '😀'.repeat(maxMessageCharacters + 1) }],
    ['a missing field', { ...messageWithPhotos, readAt: undefined }],
    ['a fraction where a count belongs', { ...messageWithPhotos, stampsCharged: 1.5 }],
    ['an uppercase hash', { ...messageWithPhotos, attachments: [{ ...messageWithPhotos.attachments[0]!, sha256: 'A'.repeat(64) }] }],
    ['an eleventh attachment', { ...messageWithPhotos, attachments: Array.from({ length: 11 }, (_, index) => attachment(`a${index}`, `p${index}`)) }],
  ])('leaves %s to zod', (_name, data) => {
    expect(quickParse(overTheWire({ entity: 'message', id: 'm1', version: 2, op: 'upsert', data }))).toBe(notCertain);
  });

  it(
    'on damaged changes: whenever it answers, zod accepts with the same output',
    () => {
      // A path into a change, and what happens there: replaced by any JSON value, removed, or joined by a stray key.
      const damage = fc.record({
        change: fc.constantFrom(...changes),
        pick: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        how: fc.constantFrom('replace', 'remove', 'add'),
        value: fc.jsonValue({ maxDepth: 2 }),
        reorder: fc.boolean(),
      });
      let answered = 0;
      fc.assert(
        fc.property(damage, ({ change, pick, how, value, reorder }) => {
          const input = (reorder ? reordered(change) : overTheWire(change)) as Record<string, unknown>;
          let target: Record<string, unknown> = input;
          for (const [depth, choice] of pick.entries()) {
            const keys = Object.keys(target);
            if (keys.length === 0) break;
            const key = keys[choice % keys.length]!;
            const inner = target[key];
            const last = depth === pick.length - 1 || typeof inner !== 'object' || inner === null;
            if (last) {
              if (how === 'replace') target[key] = value;
              else if (how === 'remove') delete target[key];
              else target[`${key}Extra`] = value;
              break;
            }
            target = inner as Record<string, unknown>;
          }
          if (expectZodsAnswer(input) === 'answered') answered += 1;
        }),
        { numRuns: propertyRuns(3000) },
      );
      // Some damage leaves a valid change (a number replaced by another in range): the quick parse must answer some.
      expect(answered).toBeGreaterThan(0);
    },
    propertyTimeout(60_000),
  );
});
