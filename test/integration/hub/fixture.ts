// Shared by the hub integration tests: a real hub on loopback (port 0) over a fresh database of either backend, a
// controllable clock, captured logs, HTTP helpers that speak the wire protocol with fetch, a seeded facility, and a
// device replica that applies pull batches the way docs/sync.md §5 "Pull" says a device must.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import pino from 'pino';
import { Change, EnrollResponse, hubPaths, PullResponse, PushResponse, HubErrorBody, type Mutation, type SyncedEntity } from '../../../hub/protocol/index';
import { startHub, type RunningHub, type TrustProxy } from '../../../hub/server';
import type { HubContext } from '../../../hub/services/context';
import type { HubDatabase } from '../../../hub/db/database';
import type { HubLiveOptions } from '../../../hub/live/index';
import {
  addContact,
  addHousingUnit,
  addResident,
  addStaff,
  createSite,
  issueEnrollmentCode,
  listStaff,
  getSiteRules,
  type DeviceKind,
  type ResidentRow,
} from '../../../hub/services/index';
import { residentSnapshot, residentColumns, staffRecord } from '../../../hub/services/records';
import { freshHubDatabase, type HubBackend, type TestHubDatabase } from '../../support/hub-databases';

/** Cheap scrypt for tests (production uses N = 2^15). */
export const testPinCost = { N: 1 << 10, r: 8, p: 1 } as const;
/** A Monday afternoon in 2025; nothing depends on the real clock. */
export const testEpoch = Date.UTC(2025, 2, 3, 14, 0, 0);

export class TestClock {
  private current = testEpoch;
  readonly now = (): number => this.current;
  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}

export interface TestHub {
  readonly backend: HubBackend;
  readonly url: string;
  readonly hub: HubContext;
  readonly clock: TestClock;
  readonly running: RunningHub;
  /**
   * The PostgreSQL database's connection URL (null on PGlite): a second hub can be started on the same database. Absent
   * from a TestHub a test puts together itself (over a wrapped database, say).
   */
  readonly databaseUrl?: string | null;
  /** Every log line the hub wrote, as JSON text. */
  readonly logLines: string[];
  close(): Promise<void>;
}

export async function startTestHub(
  backend: HubBackend,
  options: {
    rateLimit?: { maxFailures: number; windowMs: number };
    trustProxy?: TrustProxy;
    /** Wraps the database the hub (and `hub`) use: a test counting the queries a request makes. */
    wrapDatabase?: (database: HubDatabase) => HubDatabase;
    live?: HubLiveOptions;
  } = {},
): Promise<TestHub> {
  const testDatabase: TestHubDatabase = await freshHubDatabase(backend);
  const database = options.wrapDatabase?.(testDatabase.database) ?? testDatabase.database;
  const clock = new TestClock();
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, destination);
  const running = await startHub({
    database,
    logger,
    now: clock.now,
    pinCost: testPinCost,
    passwordCost: testPinCost,
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
    ...(options.live === undefined ? {} : { live: options.live }),
  });
  return {
    backend,
    url: running.url,
    hub: running.context,
    clock,
    running,
    databaseUrl: testDatabase.url,
    logLines,
    async close() {
      await running.close();
      await testDatabase.dispose();
    },
  };
}

// ---- HTTP ----

export interface HubAnswer {
  readonly status: number;
  readonly json: unknown;
  readonly bytes: Buffer;
  readonly headers: Headers;
}

export async function call(
  url: string,
  path: string,
  options: { method?: 'GET' | 'POST'; token?: string; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<HubAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (options.rawBody !== undefined) body = typeof options.rawBody === 'string' ? options.rawBody : new Uint8Array(options.rawBody);
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, { method: options.method ?? 'POST', headers, ...(body === undefined ? {} : { body }) });
  const bytes = Buffer.from(await response.arrayBuffer());
  let json: unknown = null;
  if ((response.headers.get('content-type') ?? '').includes('application/json')) json = JSON.parse(bytes.toString('utf8'));
  return { status: response.status, json, bytes, headers: response.headers };
}

export function errorCodeOf(answer: HubAnswer): string {
  return HubErrorBody.parse(answer.json).error.code;
}

export interface TestDevice {
  readonly deviceId: string;
  readonly secret: string;
  readonly kind: DeviceKind;
  pull(cursor: string | null, limit?: number): Promise<PullResponse>;
  /** Pulls until hasMore is false; returns every change in order and the final cursor. */
  pullAll(cursor: string | null, limit?: number): Promise<{ changes: Change[]; cursor: string }>;
  push(mutations: Mutation[]): Promise<HubAnswer>;
}

/** Any hub the test can reach by URL and act on through services: a TestHub, or a hub process on the same database. */
export async function enroll(
  testHub: Pick<TestHub, 'url' | 'hub'>,
  siteId: string,
  kind: DeviceKind,
  housingUnitId: string | null = null,
): Promise<TestDevice> {
  const issued = await issueEnrollmentCode(testHub.hub, { siteId, kind, housingUnitId });
  const answer = await call(testHub.url, hubPaths.enroll, { body: { code: issued.code, deviceName: `${kind} under test`, appVersion: '0.1.0' } });
  if (answer.status !== 200) throw new Error(`enrollment failed: ${answer.status} ${answer.bytes.toString()}`);
  const enrollment = EnrollResponse.parse(answer.json);
  return deviceFor(testHub, enrollment.deviceId, enrollment.secret, kind);
}

export function deviceFor(testHub: Pick<TestHub, 'url'>, deviceId: string, secret: string, kind: DeviceKind): TestDevice {
  const device: TestDevice = {
    deviceId,
    secret,
    kind,
    async pull(cursor, limit = 500) {
      const answer = await call(testHub.url, hubPaths.pull, { token: secret, body: { cursor, limit } });
      if (answer.status !== 200) throw new Error(`pull failed: ${answer.status} ${answer.bytes.toString()}`);
      const parsed = PullResponse.parse(answer.json);
      // zod drops keys it does not know; equality with the raw JSON proves the hub sent exactly the protocol's shape.
      if (!isDeepStrictEqual(parsed, answer.json)) throw new Error(`pull answer does not match the protocol exactly: ${answer.bytes.toString().slice(0, 500)}`);
      return parsed;
    },
    async pullAll(cursor, limit = 500) {
      const changes: Change[] = [];
      let position = cursor;
      for (;;) {
        const page = await device.pull(position, limit);
        changes.push(...page.changes);
        position = page.cursor;
        if (!page.hasMore) return { changes, cursor: page.cursor };
      }
    },
    push(mutations) {
      return call(testHub.url, hubPaths.push, { token: secret, body: { deviceId, mutations } });
    },
  };
  return device;
}

export function parsePush(answer: HubAnswer): PushResponse {
  if (answer.status !== 200) throw new Error(`push failed: ${answer.status} ${answer.bytes.toString()}`);
  return PushResponse.parse(answer.json);
}

// ---- a facility ----

export interface Facility {
  readonly siteId: string;
  readonly unitA: string;
  readonly unitB: string;
  /** Housed in unit A, with an approved contact (mom) and an unapproved one (friend). */
  readonly ana: ResidentRow;
  readonly anaMom: string;
  readonly anaFriend: string;
  /** Also in unit A. */
  readonly ben: ResidentRow;
  readonly benBrother: string;
  /** In unit B. */
  readonly cruz: ResidentRow;
  readonly cruzSister: string;
}

export async function seedFacility(hub: HubContext): Promise<Facility> {
  const site = await createSite(hub, { name: 'Test County Jail' });
  const unitA = await addHousingUnit(hub, { siteId: site.siteId, name: 'A-Pod' });
  const unitB = await addHousingUnit(hub, { siteId: site.siteId, name: 'B-Pod' });
  const ana = await addResident(hub, { housingUnitId: unitA.housingUnitId, credentialId: 'B1001', displayName: 'Ana Diaz', pin: '1234', language: 'es' });
  const ben = await addResident(hub, { housingUnitId: unitA.housingUnitId, credentialId: 'B1002', displayName: 'Ben Okafor', pin: '2345' });
  const cruz = await addResident(hub, { housingUnitId: unitB.housingUnitId, credentialId: 'B2001', displayName: 'Cruz Lee', pin: '3456' });
  const anaMom = await addContact(hub, { residentId: ana.resident_id, displayName: 'Maria Diaz', relationship: 'mother', approved: true });
  const anaFriend = await addContact(hub, { residentId: ana.resident_id, displayName: 'Sam Roe', relationship: 'friend' });
  const benBrother = await addContact(hub, { residentId: ben.resident_id, displayName: 'Tunde Okafor', relationship: 'brother', approved: true });
  const cruzSister = await addContact(hub, { residentId: cruz.resident_id, displayName: 'Min Lee', relationship: 'sister', approved: true });
  await addStaff(hub, { siteId: site.siteId, displayName: 'Officer Grant', badgeId: 'STAFF-77', pin: '9876' });
  return {
    siteId: site.siteId,
    unitA: unitA.housingUnitId,
    unitB: unitB.housingUnitId,
    ana,
    anaMom: anaMom.contact_id,
    anaFriend: anaFriend.contact_id,
    ben,
    benBrother: benBrother.contact_id,
    cruz,
    cruzSister: cruzSister.contact_id,
  };
}

// ---- a device's replica ----

type RecordKey = `${SyncedEntity}:${string}`;

function residentOf(data: unknown): string | null {
  if (typeof data === 'object' && data !== null && 'residentId' in data && typeof data.residentId === 'string') return data.residentId;
  return null;
}

/** What a device keeps: upserts win when newer, deletes withdraw one record, evicts remove everything of a resident. */
export class Replica {
  readonly records = new Map<RecordKey, { version: number; data: unknown }>();
  readonly evicted: string[] = [];

  apply(changes: readonly Change[]): void {
    for (const change of changes) {
      const key: RecordKey = `${change.entity}:${change.id}`;
      switch (change.op) {
        case 'upsert': {
          const existing = this.records.get(key);
          if (existing === undefined || existing.version < change.version) this.records.set(key, { version: change.version, data: change.data });
          break;
        }
        case 'delete':
          this.records.delete(key);
          break;
        case 'evict':
          this.evicted.push(change.id);
          for (const [recordKey, record] of this.records) if (residentOf(record.data) === change.id) this.records.delete(recordKey);
          break;
        default: {
          const unknownChange: never = change;
          throw new Error(`unknown change ${JSON.stringify(unknownChange)}`);
        }
      }
    }
  }

  /** The residents this replica holds anything of. */
  residents(): Set<string> {
    return new Set([...this.records.values()].map((record) => residentOf(record.data)).filter((id): id is string => id !== null));
  }

  /** key → data, for comparing with the hub's view. */
  contents(): Map<string, unknown> {
    return new Map([...this.records].map(([key, record]) => [key, record.data]));
  }
}

/** What the hub says a device's replica should hold: site rules, active staff, and every record of each resident in scope. */
export async function hubViewOfScope(hub: HubContext, siteId: string, residentIds: readonly string[]): Promise<Map<string, unknown>> {
  const view = new Map<string, unknown>();
  view.set(`siteRules:${siteId}`, await getSiteRules(hub.database, siteId));
  for (const staff of await listStaff(hub.database, siteId)) view.set(`staff:${staff.staff_id}`, staffRecord(staff));
  for (const residentId of residentIds) {
    const [resident] = await hub.database.query<ResidentRow>(`SELECT ${residentColumns} FROM residents WHERE resident_id = $1`, [residentId]);
    if (resident === undefined) throw new Error(`no resident ${residentId}`);
    for (const change of await residentSnapshot(hub.database, resident)) {
      if (change.op === 'upsert') view.set(`${change.entity}:${change.id}`, change.data);
    }
  }
  return view;
}

// ---- mutations ----

export function sendMessageMutation(
  id: number,
  args: { residentId: string; contactId: string; body?: string; replyToMessageId?: string | null; useReturnStamp?: boolean; messageId?: string },
): Mutation {
  return {
    id,
    name: 'sendMessage',
    args: {
      messageId: args.messageId ?? randomUUID(),
      residentId: args.residentId,
      contactId: args.contactId,
      body: args.body ?? 'Hello from the dayroom',
      writtenAt: testEpoch,
      replyToMessageId: args.replyToMessageId ?? null,
      useReturnStamp: args.useReturnStamp ?? false,
    },
  };
}

export function buyStampsMutation(id: number, residentId: string, bookSize: number, requestId: string = randomUUID()): Mutation {
  return { id, name: 'buyStamps', args: { residentId, requestId, bookSize } };
}

export function markReadMutation(id: number, residentId: string, messageId: string): Mutation {
  return { id, name: 'markRead', args: { residentId, messageId, readAt: testEpoch } };
}

/** A 1×1 PNG: real image bytes for attachments. */
export const tinyPng = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
/** The smallest JPEG header the hub's sniffing accepts, with some distinct bytes after it. */
export function fakeJpeg(tag: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(tag), Buffer.from([0xff, 0xd9])]);
}
