// Authorization everywhere (docs/security.md §2 "Authority"): every call of the contract, found by iterating the contract itself,
// against a real runtime and store holding two residents' mail, stamps and money. Signed in as A: B's records are
// refused exactly as records that do not exist, and nothing of B's comes back; calls above a resident's access level are
// refused; after sign-out nothing of A's is reachable. The same attempts through the web host's WebSocket get the same
// answers, so the transport adds no way around the runtime's checks.
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { callNames, deviceCalls, hostSocketPath, ServerFrame, type CallAccess, type CallName, type CallResult } from '../../../main/contract';
import { startWebHost, type WebHost } from '../../../main/host/server';
import { idFieldsOf, isIdField, nonexistentId, validInput, type IdField } from '../../support/contract-inputs';
import { storeDigest } from '../../support/store-digest';
import { makeTempDir } from '../../support/temp-dir';
import { cloneTwoResidentDevice, startTwoResidentDevice, type Caller, type SeededResident, type TwoResidentDevice } from '../../support/two-resident-device';

/**
 * Whether a signed-in resident may make a call of each access level. A Record over CallAccess: a new access level is a
 * compile error here until someone decides, and the test below also fails at run time on a level missing from it.
 */
const residentMayCall: Readonly<Record<CallAccess, boolean>> = { anyone: true, resident: true, staff: false };
/** Whether someone not signed in may: only what the attract screen and the PIN pad need. */
const nobodyMayCall: Readonly<Record<CallAccess, boolean>> = { anyone: true, resident: false, staff: false };

const knownAccess = (name: CallName): CallAccess => {
  const access = deviceCalls[name].access;
  if (!Object.hasOwn(residentMayCall, access) || !Object.hasOwn(nobodyMayCall, access)) {
    throw new Error(`${name} has access level ${JSON.stringify(access)}, which this test does not know: decide who may make it and add it above`);
  }
  return access;
};

/** One input the call's schema accepts, the same every run. */
const sampleInput = (name: CallName): unknown => fc.sample(validInput(name), { numRuns: 1, seed: 7 })[0];

/** Everything a resident's own calls show them: the ids under each field name, and the words of their records. */
interface ResidentWorld {
  readonly ids: Map<string, Set<string>>;
  readonly texts: Set<string>;
}

/** Fields whose values are a person's own: ids, message words, names, references. Enum values and numbers are not. */
const personalKey = /(Id|^id|body|Name|preview|snippet|reference)$/;

function collect(value: unknown, world: ResidentWorld, key = ''): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, world, key);
  } else if (typeof value === 'object' && value !== null) {
    for (const [field, child] of Object.entries(value)) collect(child, world, field);
  } else if (typeof value === 'string') {
    if (isIdField(key) || key === 'id') {
      const known = world.ids.get(key) ?? new Set<string>();
      known.add(value);
      world.ids.set(key, known);
    }
    if (personalKey.test(key) && value.length >= 6) world.texts.add(value);
  }
}

/** The harvested ids an input field takes: the same name (contactId), or the one it ends with (replyToMessageId). */
function idsFor(world: ResidentWorld, field: string): string[] {
  const candidates = [...world.ids.keys()].filter((key) => field.toLowerCase().endsWith(key.toLowerCase()) && key !== 'id');
  candidates.sort((x, y) => y.length - x.length);
  const key = candidates[0];
  return key === undefined ? [] : [...(world.ids.get(key) ?? [])];
}

/** An input for `name` with each id field set to `ids[field]`, else the person's own first id, else null if it may be. */
function inputWith(name: CallName, own: ResidentWorld, chosen: Readonly<Record<string, string>>): unknown {
  const sample = sampleInput(name);
  if (typeof sample !== 'object' || sample === null) return sample;
  const input: Record<string, unknown> = { ...sample };
  for (const idField of idFieldsOf(name)) {
    if (!(idField.field in input) && chosen[idField.field] === undefined) continue;
    input[idField.field] = chosen[idField.field] ?? (idField.nullable ? null : (idsFor(own, idField.field)[0] ?? nonexistentId(idField, 0)));
  }
  return input;
}

/**
 * What a resident's own calls show them, learned on a copy of the device (so opening, sending or deleting to find ids
 * touches nothing the test then checks). Two passes: ids from the first (contacts) open the second (their letters).
 */
async function worldOf(device: TwoResidentDevice, resident: SeededResident): Promise<ResidentWorld> {
  const world: ResidentWorld = { ids: new Map(), texts: new Set([resident.resident.displayName, resident.resident.residentId]) };
  await device.signIn(resident.resident);
  for (let pass = 0; pass < 2; pass += 1) {
    for (const name of callNames.filter((call) => knownAccess(call) === 'resident')) {
      const fields = idFieldsOf(name);
      const inputs =
        fields.length === 0
          ? [inputWith(name, world, {})]
          : fields.flatMap((idField) => idsFor(world, idField.field).map((id) => inputWith(name, world, { [idField.field]: id })));
      for (const input of inputs) {
        const result = await device.call(name, input);
        if (result.ok) collect(result.value, world);
        const view = await device.call('session.current', {});
        if (!view.ok || (view.value as { phase: string }).phase !== 'signedIn') await device.signIn(resident.resident);
      }
    }
  }
  await device.signOut();
  return world;
}

const uuidShaped = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The answer with the id that was sent replaced, and fresh UUIDs (a new letter's id) made alike, for comparison. */
function normalized(result: CallResult<unknown>, sentId: string): string {
  return JSON.stringify(result)
    .split(JSON.stringify(sentId).slice(1, -1))
    .join('<sent id>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>');
}

function expectNothingOf(other: ResidentWorld, own: ResidentWorld, result: CallResult<unknown>, sentId: string | null, context: string): void {
  const text = JSON.stringify(result);
  for (const secret of other.texts) {
    if (secret === sentId || own.texts.has(secret)) continue;
    expect(text.includes(secret), `${context} showed ${JSON.stringify(secret)}: ${text}`).toBe(false);
  }
}

interface Attempt {
  readonly name: CallName;
  readonly idField: IdField;
  readonly othersId: string;
}

/** Every (call, id field, one of B's ids of that kind) a resident may make; fails for an id field B has no ids for. */
function attemptsOnOthersRecords(other: ResidentWorld): Attempt[] {
  const attempts: Attempt[] = [];
  for (const name of callNames) {
    if (!residentMayCall[knownAccess(name)]) continue;
    for (const idField of idFieldsOf(name)) {
      const othersIds = idsFor(other, idField.field);
      // A new kind of id (a visit, a receipt) needs the other person to have one: seed it in two-resident-device.ts.
      expect(othersIds.length, `${name}.${idField.field}: the other resident has no ids of this kind to try`).toBeGreaterThan(0);
      for (const othersId of othersIds) attempts.push({ name, idField, othersId });
    }
  }
  return attempts;
}

/**
 * Signed in as `own`, each attempt on the other person's record answers as the same attempt on a record that does not
 * exist, writes nothing when refused, and shows nothing of theirs. One exception, stated: where the caller names a new
 * record's id (a draft), another person's id cannot be taken over — it is refused, where a fresh id would make a record.
 */
async function tryOthersRecords(device: TwoResidentDevice, call: Caller, own: ResidentWorld, other: ResidentWorld): Promise<number> {
  let salt = 1;
  let tried = 0;
  for (const { name, idField, othersId } of attemptsOnOthersRecords(other)) {
    const context = `${name} with ${idField.field} = the other resident's ${othersId}`;
    const missingId = nonexistentId(idField, salt++);
    const before = storeDigest(device.runtime.database);
    const withOthers = await call(name, inputWith(name, own, { [idField.field]: othersId }));
    if (!withOthers.ok) expect(storeDigest(device.runtime.database), `${context} was refused but changed the store`).toBe(before);
    expectNothingOf(other, own, withOthers, othersId, context);
    const withMissing = await call(name, inputWith(name, own, { [idField.field]: missingId }));
    const createdWithFreshId = withMissing.ok && !withOthers.ok && withOthers.error.code === 'notAuthorized';
    if (createdWithFreshId) {
      expect(withOthers.error.message, context).not.toContain(othersId);
    } else {
      expect(normalized(withOthers, othersId), context).toBe(normalized(withMissing, missingId));
    }
    tried += 1;
  }
  return tried;
}

let device: TwoResidentDevice;
let worldA: ResidentWorld;
let worldB: ResidentWorld;

beforeAll(async () => {
  device = await startTwoResidentDevice();
  const copy = await cloneTwoResidentDevice(device);
  try {
    worldA = await worldOf(copy, device.a);
    worldB = await worldOf(copy, device.b);
  } finally {
    await copy.cleanup();
  }
}, 120_000);
afterAll(async () => {
  await device.cleanup();
});

describe('authorization of every call against the current session', () => {
  it('knows every access level the contract uses', () => {
    for (const name of callNames) expect(() => knownAccess(name)).not.toThrow();
  });

  it('the other resident really has mail, drafts, purchases and a photo to try (the test has teeth)', () => {
    for (const field of ['contactId', 'messageId', 'draftId', 'requestId', 'attachmentId']) expect(idsFor(worldB, field).length, field).toBeGreaterThan(0);
    expect([...worldB.texts].some((text) => text.includes('secret-b-photo'))).toBe(true);
  });

  it("refuses A every one of B's records exactly as a record that does not exist, and shows nothing of B's", async () => {
    await device.signIn(device.a.resident);
    const tried = await tryOthersRecords(device, device.call, worldA, worldB);
    expect(tried).toBeGreaterThan(0);
    // B's photo through the attachment route's runtime check: refused as a photo that does not exist.
    const othersPhoto = device.runtime.attachment(device.b.photo.messageId, device.b.photo.attachmentId);
    expect(othersPhoto).toEqual(device.runtime.attachment('no-such-message', device.b.photo.attachmentId));
    expect(othersPhoto.ok).toBe(false);
    expect(device.runtime.attachment(device.a.photo.messageId, device.a.photo.attachmentId).ok).toBe(true);
  });

  it("leaves B's world as it was after A's attempts", async () => {
    const copy = await cloneTwoResidentDevice(device);
    try {
      const after = await worldOf(copy, device.b);
      // Learning B's world sends and deletes on a copy, so fresh UUIDs differ between two learnings; everything else must not.
      const lasting = (world: ResidentWorld): string[] => [...world.texts].filter((text) => !uuidShaped.test(text)).sort();
      expect(lasting(after)).toEqual(lasting(worldB));
    } finally {
      await copy.cleanup();
    }
  });

  it('refuses a resident every call above their access level, writing nothing', async () => {
    await device.signIn(device.a.resident);
    const aboveResident = callNames.filter((name) => !residentMayCall[knownAccess(name)]);
    for (const name of aboveResident) {
      const before = storeDigest(device.runtime.database);
      await expect(device.call(name, sampleInput(name)), name).resolves.toMatchObject({ ok: false, error: { code: 'notAuthorized' } });
      expect(storeDigest(device.runtime.database), name).toBe(before);
    }
    await expect(device.call('session.current', {})).resolves.toMatchObject({
      ok: true,
      value: { phase: 'signedIn', resident: { id: device.a.resident.residentId } },
    });
  });

  it("after sign-out refuses every call but the attract screen's, and nothing of A's is reachable", async () => {
    await device.signIn(device.a.resident);
    await device.call('session.signOut', {});
    for (const name of callNames) {
      const before = storeDigest(device.runtime.database);
      const result = await device.call(name, sampleInput(name));
      if (nobodyMayCall[knownAccess(name)]) {
        expectNothingOf(worldA, worldB, result, null, `${name} after sign-out`);
      } else {
        expect(result, name).toMatchObject({ ok: false, error: { code: 'notSignedIn' } });
        expect(storeDigest(device.runtime.database), name).toBe(before);
      }
    }
    // A's own records by id, and A's photo, are refused like anyone's.
    for (const { name, idField } of attemptsOnOthersRecords(worldA)) {
      for (const id of idsFor(worldA, idField.field)) {
        await expect(device.call(name, inputWith(name, worldA, { [idField.field]: id }))).resolves.toMatchObject({ ok: false, error: { code: 'notSignedIn' } });
      }
    }
    expect(device.runtime.attachment(device.a.photo.messageId, device.a.photo.attachmentId)).toMatchObject({ ok: false, refusal: 'notSignedIn' });
    const view = await device.call('session.current', {});
    expect(view).toMatchObject({ ok: true, value: { phase: 'attract' } });
  });
});

describe('through the web host', () => {
  let host: WebHost;
  let rendererDir: ReturnType<typeof makeTempDir>;
  beforeAll(async () => {
    rendererDir = makeTempDir();
    writeFileSync(join(rendererDir.path, 'index.html'), '<!doctype html><title>Dayroom</title>');
    host = await startWebHost({ bridge: device.runtime.bridge, rendererDir: rendererDir.path, logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await host.close();
    rendererDir.remove();
  });

  /** Calls over a real WebSocket, as the page makes them: the per-launch token, the host's own origin. */
  async function socketCaller(): Promise<{ call: Caller; close(): void }> {
    const socket = new WebSocket(`${host.origin.replace('http', 'ws')}${hostSocketPath}?token=${encodeURIComponent(host.token)}`, {
      headers: { origin: host.origin },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const waiting = new Map<number, (result: CallResult<unknown>) => void>();
    socket.on('message', (data: Buffer) => {
      const frame = ServerFrame.parse(JSON.parse(data.toString()));
      if (frame.type === 'result') waiting.get(frame.id)?.(frame.result as CallResult<unknown>);
    });
    let nextId = 0;
    return {
      call: (name, input) =>
        new Promise((resolve) => {
          const id = nextId++;
          waiting.set(id, resolve);
          socket.send(JSON.stringify({ type: 'call', id, name, input }));
        }),
      close: () => socket.close(),
    };
  }

  it("adds no way around the checks: B's records, higher access levels and a signed-out session are refused alike", async () => {
    const socket = await socketCaller();
    try {
      await device.signIn(device.a.resident);
      expect(await tryOthersRecords(device, socket.call, worldA, worldB)).toBeGreaterThan(0);
      for (const name of callNames.filter((call) => !residentMayCall[knownAccess(call)])) {
        await expect(socket.call(name, sampleInput(name))).resolves.toMatchObject({ ok: false, error: { code: 'notAuthorized' } });
      }
      await socket.call('session.signOut', {});
      for (const name of callNames.filter((call) => !nobodyMayCall[knownAccess(call)])) {
        await expect(socket.call(name, sampleInput(name))).resolves.toMatchObject({ ok: false, error: { code: 'notSignedIn' } });
      }
    } finally {
      socket.close();
    }
  });
});
