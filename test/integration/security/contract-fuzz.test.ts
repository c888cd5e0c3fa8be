// Hardening proof for the contract boundary (docs/security.md §14 "Bad input gets a clear answer and loses nothing"): random
// JSON, and valid inputs mutated (fields dropped and added, wrong types, huge and odd Unicode strings, prototype keys),
// sent to every call of the contract and to names that are not calls, signed out and signed in. Every answer is either
// ok with exactly the call's output shape, or a refusal whose code is in the contract's list; never an internal error, a
// rejection or a crash; and a refused call leaves every row of the store as it was.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callNames, deviceCalls, DeviceErrorCode, isCallName, type CallName, type CallResult } from '../../../main/contract';
import { validInput, type IdPool } from '../../support/contract-inputs';
import { storeDigest } from '../../support/store-digest';
import { startTwoResidentDevice, type TwoResidentDevice } from '../../support/two-resident-device';

/** Runs per call and session state: enough to hit each mutation kind many times, small enough for `npm test`. */
const runsPerCall = 25;

/** Keys that reach an object's prototype, or that a careless handler might trust. */
const hostileKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'residentId', 'staffId', 'then'];

/** Strings that break careless code: huge, control characters, lone surrogates, bidi overrides, SQL and HTML. */
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.constantFrom('', '\u0000', '\ud800', '\u202e', "' OR 1=1 --", '<script>alert(1)</script>', '%00', '../../etc/passwd', 'NaN', '-0'),
  fc.nat({ max: 200_000 }).map((length) => 'x'.repeat(length)),
);

/** Any value a transport could carry, including objects with own `__proto__` keys as JSON.parse makes them. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(undefined, null, 0, -1, 1e308, Number.NaN, true, [], '', {}),
  fc.dictionary(fc.constantFrom(...hostileKeys), fc.jsonValue(), { maxKeys: 3 }).map((object) => JSON.parse(JSON.stringify(object)) as unknown),
  fc.jsonValue().map((value) => JSON.parse(`{"__proto__": ${JSON.stringify(value) ?? 'null'}, "constructor": {"prototype": {"polluted": true}}}`) as unknown),
);

type Mutation = (input: Record<string, unknown>) => Record<string, unknown>;

/** One change to a valid input. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((index): Mutation => (input) => {
    const keys = Object.keys(input);
    const copy = { ...input };
    if (keys.length > 0) delete copy[keys[index % keys.length]!];
    return copy;
  }),
  fc.tuple(fc.oneof(fc.constantFrom(...hostileKeys), fc.string({ maxLength: 12 })), anyJson).map(
    ([key, value]): Mutation =>
      (input) =>
        JSON.parse(JSON.stringify({ ...input, [key]: value }) ?? '{}') as Record<string, unknown>,
  ),
  fc.tuple(fc.nat(), fc.oneof(anyJson, hostileString)).map(([index, value]): Mutation => (input) => {
    const keys = Object.keys(input);
    return keys.length === 0 ? { value } : { ...input, [keys[index % keys.length]!]: value };
  }),
);

function mutated(name: CallName, ids: IdPool): fc.Arbitrary<unknown> {
  return fc
    .tuple(validInput(name, ids), fc.array(mutation, { minLength: 0, maxLength: 3 }))
    .map(([input, changes]) =>
      typeof input === 'object' && input !== null && !Array.isArray(input)
        ? changes.reduce((value, change) => change(value), input as Record<string, unknown>)
        : input,
    );
}

/** The shapes a caller may get back: ok with the call's own output, or a refusal with a listed code. Never `internal`. */
function expectWellFormed(name: string, input: unknown, result: CallResult<unknown>): void {
  const context = `${name}(${JSON.stringify(input)?.slice(0, 300)}) → ${JSON.stringify(result).slice(0, 300)}`;
  if (result.ok) {
    expect(isCallName(name), context).toBe(true);
    if (isCallName(name)) expect(deviceCalls[name].output.safeParse(result.value).success, context).toBe(true);
  } else {
    expect(DeviceErrorCode.options, context).toContain(result.error.code);
    expect(result.error.code, context).not.toBe('internal');
    expect(typeof result.error.message, context).toBe('string');
  }
}

let device: TwoResidentDevice;
/** Both residents' real ids, so mutated inputs also name records that exist (someone's own and someone else's). */
let knownIds: IdPool = () => [];

beforeAll(async () => {
  device = await startTwoResidentDevice();
  const pool = [
    ...device.a.contactIds,
    ...device.b.contactIds,
    ...device.a.messageIds,
    ...device.b.messageIds,
    '1a1a1a1a-0000-4000-8000-00000000000a',
    '1b1b1b1b-0000-4000-8000-00000000000b',
    '2a2a2a2a-0000-4000-8000-00000000000a',
    '2b2b2b2b-0000-4000-8000-00000000000b',
  ];
  knownIds = () => pool;
}, 60_000);
afterAll(async () => {
  await device.cleanup();
});

const sessionStates = ['signed out', 'resident signed in'] as const;
type SessionState = (typeof sessionStates)[number];

async function enter(state: SessionState): Promise<void> {
  const view = await device.call('session.current', {});
  const signedInAsA = view.ok && (view.value as { phase: string; resident?: { id: string } }).resident?.id === device.a.resident.residentId;
  switch (state) {
    case 'signed out':
      if (!view.ok || (view.value as { phase: string }).phase !== 'attract') await device.signOut();
      break;
    case 'resident signed in':
      if (!signedInAsA) await device.signIn(device.a.resident);
      break;
    default: {
      const unreachable: never = state;
      throw new Error(`unknown state ${String(unreachable)}`);
    }
  }
}

describe.each(sessionStates)('every call with random and mutated input, %s', (state) => {
  const names: string[] = [...callNames, 'no.such.call', '__proto__', 'constructor', 'toString', 'mail.conversations ', ''];
  it.each(names)('%s answers only in the contract’s terms and refuses without writing', async (name) => {
    const input = isCallName(name) ? fc.oneof(anyJson, mutated(name, knownIds), validInput(name, knownIds)) : anyJson;
    await fc.assert(
      fc.asyncProperty(input, async (payload) => {
        await enter(state);
        const before = storeDigest(device.runtime.database);
        const result = await device.call(name, payload);
        expectWellFormed(name, payload, result);
        if (!result.ok) expect(storeDigest(device.runtime.database), `${name} refused but changed the store`).toBe(before);
      }),
      { numRuns: runsPerCall },
    );
  });
});
